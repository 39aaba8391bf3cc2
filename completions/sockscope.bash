#!/bin/bash

__sockscope_cursor_index_in_current_word() {
    local remaining="${COMP_LINE}"

    local word
    for word in "${COMP_WORDS[@]::COMP_CWORD}"; do
        remaining="${remaining##*([[:space:]])"${word}"*([[:space:]])}"
    done

    local -ir index="$((COMP_POINT - ${#COMP_LINE} + ${#remaining}))"
    if [[ "${index}" -le 0 ]]; then
        printf 0
    else
        printf %s "${index}"
    fi
}

# positional arguments:
#
# - 1: the current (sub)command's count of positional arguments
#
# required variables:
#
# - repeating_flags: the repeating flags that the current (sub)command can accept
# - non_repeating_flags: the non-repeating flags that the current (sub)command can accept
# - repeating_options: the repeating options that the current (sub)command can accept
# - non_repeating_options: the non-repeating options that the current (sub)command can accept
# - positional_number: value ignored
# - unparsed_words: unparsed words from the current command line
#
# modified variables:
#
# - non_repeating_flags: remove flags for this (sub)command that are already on the command line
# - non_repeating_options: remove options for this (sub)command that are already on the command line
# - positional_number: set to the current positional number
# - unparsed_words: remove all flags, options, and option values for this (sub)command
__sockscope_offer_flags_options() {
    local -ir positional_count="${1}"
    positional_number=0

    local was_flag_option_terminator_seen=false
    local is_parsing_option_value=false

    local -ar unparsed_word_indices=("${!unparsed_words[@]}")
    local -i word_index
    for word_index in "${unparsed_word_indices[@]}"; do
        if "${is_parsing_option_value}"; then
            # This word is an option value:
            # Reset marker for next word iff not currently the last word
            [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]] && is_parsing_option_value=false
            unset "unparsed_words[${word_index}]"
            # Do not process this word as a flag or an option
            continue
        fi

        local word="${unparsed_words["${word_index}"]}"
        if ! "${was_flag_option_terminator_seen}"; then
            case "${word}" in
            --)
                unset "unparsed_words[${word_index}]"
                # by itself -- is a flag/option terminator, but if it is the last word, it is the start of a completion
                if [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]]; then
                    was_flag_option_terminator_seen=true
                fi
                continue
                ;;
            -*)
                # ${word} is a flag or an option
                # If ${word} is an option, mark that the next word to be parsed is an option value
                local option
                for option in "${repeating_options[@]}" "${non_repeating_options[@]}"; do
                    [[ "${word}" = "${option}" ]] && is_parsing_option_value=true && break
                done

                # Remove ${word} from ${non_repeating_flags} or ${non_repeating_options} so it isn't offered again
                local not_found=true
                local -i index
                for index in "${!non_repeating_flags[@]}"; do
                    if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                        unset "non_repeating_flags[${index}]"
                        non_repeating_flags=("${non_repeating_flags[@]}")
                        not_found=false
                        break
                    fi
                done
                if "${not_found}"; then
                    for index in "${!non_repeating_flags[@]}"; do
                        if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                            unset "non_repeating_flags[${index}]"
                            non_repeating_flags=("${non_repeating_flags[@]}")
                            break
                        fi
                    done
                fi
                unset "unparsed_words[${word_index}]"
                continue
                ;;
            esac
        fi

        # ${word} is neither a flag, nor an option, nor an option value
        if [[ "${positional_number}" -lt "${positional_count}" || "${positional_count}" -lt 0 ]]; then
            # ${word} is a positional
            ((positional_number++))
            unset "unparsed_words[${word_index}]"
        else
            if [[ -z "${word}" ]]; then
                # Could be completing a flag, option, or subcommand
                positional_number=-1
            else
                # ${word} is a subcommand or invalid, so stop processing this (sub)command
                positional_number=-2
            fi
            break
        fi
    done

    unparsed_words=("${unparsed_words[@]}")

    if\
        ! "${was_flag_option_terminator_seen}"\
        && ! "${is_parsing_option_value}"\
        && [[ ("${cur}" = -* && "${positional_number}" -ge 0) || "${positional_number}" -eq -1 ]]
    then
        COMPREPLY+=($(compgen -W "${repeating_flags[*]} ${non_repeating_flags[*]} ${repeating_options[*]} ${non_repeating_options[*]}" -- "${cur}"))
    fi
}

__sockscope_add_completions() {
    local completion
    while IFS='' read -r completion; do
        COMPREPLY+=("${completion}")
    done < <(IFS=$'\n' compgen "${@}" -- "${cur}")
}

__sockscope_custom_complete() {
    if [[ -n "${cur}" || -z ${COMP_WORDS[${COMP_CWORD}]} || "${COMP_LINE:${COMP_POINT}:1}" != ' ' ]]; then
        local -ar words=("${COMP_WORDS[@]}")
    else
        local -ar words=("${COMP_WORDS[@]::${COMP_CWORD}}" '' "${COMP_WORDS[@]:${COMP_CWORD}}")
    fi

    "${COMP_WORDS[0]}" "${@}" "${words[@]}"
}

_sockscope() {
    local state
    state="$(shopt -p;shopt -po)"
    trap "${state//$'\n'/;}" RETURN
    shopt -s extglob
    set +o history +o posix

    local -xr SAP_SHELL=bash
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(IFS='.';printf %s "${BASH_VERSINFO[*]}")"
    local -r SAP_SHELL_VERSION

    local -r cur="${2}"
    local -r prev="${3}"

    local -i positional_number
    local -a unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")

    local -a repeating_flags=()
    local -a non_repeating_flags=(--version -h --help)
    local -a repeating_options=()
    local -a non_repeating_options=()
    __sockscope_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    nc|states|watch|lesson|replay|proxy|serve|probe|send|help)
        # Offer subcommand argument completions
        "_sockscope_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'nc states watch lesson replay proxy serve probe send help' -- "${cur}"))
        ;;
    esac
}

_sockscope_nc() {
    repeating_flags=()
    non_repeating_flags=(-4 -6 -C -d -k -l -N -n -u -U -v -z --tls --ssl --tls-no-verify --tls-verify-client --send-only --progress --recv-only --broker --chat --exec-stderr --json --tui --no-tui --version -h --help)
    repeating_options=(--allow --deny --allow-file --allowfile --deny-file --denyfile -x --proxy)
    non_repeating_options=(-i -p -q -s -w --hex-dump --pcap --pcap-payload --ladder --max-conns --tls-ca --ssl-trustfile --tls-servername --tls-cert --ssl-cert --tls-key --ssl-key --tls-alpn --ssl-alpn --tls-min --tls-max --keylog -e --exec -c --sh-exec -X --proxy-type --proxy-auth --proxy-auth-file --proxy-dns)
    __sockscope_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-i')
        return
        ;;
    '-p')
        return
        ;;
    '-q')
        return
        ;;
    '-s')
        return
        ;;
    '-w')
        return
        ;;
    '--hex-dump')
        return
        ;;
    '--pcap')
        return
        ;;
    '--pcap-payload')
        return
        ;;
    '--ladder')
        return
        ;;
    '--max-conns')
        return
        ;;
    '--tls-ca'|'--ssl-trustfile')
        return
        ;;
    '--tls-servername')
        return
        ;;
    '--tls-cert'|'--ssl-cert')
        return
        ;;
    '--tls-key'|'--ssl-key')
        return
        ;;
    '--tls-alpn'|'--ssl-alpn')
        return
        ;;
    '--tls-min')
        return
        ;;
    '--tls-max')
        return
        ;;
    '--keylog')
        return
        ;;
    '--allow')
        return
        ;;
    '--deny')
        return
        ;;
    '--allow-file'|'--allowfile')
        return
        ;;
    '--deny-file'|'--denyfile')
        return
        ;;
    '-e'|'--exec')
        return
        ;;
    '-c'|'--sh-exec')
        return
        ;;
    '-x'|'--proxy')
        return
        ;;
    '-X'|'--proxy-type')
        return
        ;;
    '--proxy-auth')
        return
        ;;
    '--proxy-auth-file')
        return
        ;;
    '--proxy-dns')
        return
        ;;
    esac
}

_sockscope_states() {
    repeating_flags=()
    non_repeating_flags=(-t --tcp -u --udp -4 -6 -l --listening -p --processes --no-processes --json --events --segments --version -h --help)
    repeating_options=()
    non_repeating_options=(--state --port --duration --pcap --pcap-payload --interval)
    __sockscope_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--state')
        return
        ;;
    '--port')
        return
        ;;
    '--duration')
        return
        ;;
    '--pcap')
        return
        ;;
    '--pcap-payload')
        return
        ;;
    '--interval')
        return
        ;;
    esac
}

_sockscope_watch() {
    repeating_flags=()
    non_repeating_flags=(-t --tcp -u --udp -4 -6 -l --listening --version -h --help)
    repeating_options=()
    non_repeating_options=(--state --port --interval --pcap --pcap-payload)
    __sockscope_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--state')
        return
        ;;
    '--port')
        return
        ;;
    '--interval')
        return
        ;;
    '--pcap')
        return
        ;;
    '--pcap-payload')
        return
        ;;
    esac
}

_sockscope_lesson() {
    repeating_flags=()
    non_repeating_flags=(--script --json --big --quiz --version -h --help)
    repeating_options=()
    non_repeating_options=(--ladder --html --handout --record)
    __sockscope_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--ladder')
        return
        ;;
    '--html')
        return
        ;;
    '--handout')
        return
        ;;
    '--record')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __sockscope_add_completions -W 'handshake'$'\n''close'$'\n''time-wait'$'\n''flow-control'$'\n''writes'$'\n''refused'$'\n''resets'$'\n''retransmission'$'\n''delayed-ack'$'\n''backlog'$'\n''simultaneous-open'$'\n''simultaneous-close'$'\n''udp'
        return
        ;;
    esac
}

_sockscope_replay() {
    repeating_flags=()
    non_repeating_flags=(--script --json --big --version -h --help)
    repeating_options=()
    non_repeating_options=(--ladder --html --handout)
    __sockscope_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--ladder')
        return
        ;;
    '--html')
        return
        ;;
    '--handout')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __sockscope_add_completions -f
        return
        ;;
    esac
}

_sockscope_proxy() {
    repeating_flags=()
    non_repeating_flags=(-4 -6 -l -k -n -v --json --tui --no-tui --version -h --help)
    repeating_options=(--allow --deny --allow-file --allowfile --deny-file --denyfile)
    non_repeating_options=(-w --auth-file --max-conns)
    __sockscope_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-w')
        return
        ;;
    '--auth-file')
        return
        ;;
    '--allow')
        return
        ;;
    '--deny')
        return
        ;;
    '--allow-file'|'--allowfile')
        return
        ;;
    '--deny-file'|'--denyfile')
        return
        ;;
    '--max-conns')
        return
        ;;
    esac
}

_sockscope_serve() {
    repeating_flags=()
    non_repeating_flags=(-4 -6 -l -k -n -v --json --tls --ssl --overwrite --keep-partial --tui --no-tui --version -h --help)
    repeating_options=(--allow --deny --allow-file --allowfile --deny-file --denyfile)
    non_repeating_options=(--max-conns --tls-cert --tls-key)
    __sockscope_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--allow')
        return
        ;;
    '--deny')
        return
        ;;
    '--allow-file'|'--allowfile')
        return
        ;;
    '--deny-file'|'--denyfile')
        return
        ;;
    '--max-conns')
        return
        ;;
    '--tls-cert')
        return
        ;;
    '--tls-key')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __sockscope_add_completions -W 'echo'$'\n''discard'$'\n''daytime'$'\n''chargen'$'\n''random'$'\n''slow'$'\n''reset'$'\n''halfclose'$'\n''receive'
        return
        ;;
    esac
}

_sockscope_probe() {
    repeating_flags=()
    non_repeating_flags=(-4 -6 -n --tls --ssl --tls-no-verify --json --version -h --help)
    repeating_options=(-x --proxy)
    non_repeating_options=(-c -i -w --concurrency --tls-ca --tls-servername -X --proxy-type --proxy-auth --proxy-auth-file --proxy-dns --send --expect)
    __sockscope_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '-c')
        return
        ;;
    '-i')
        return
        ;;
    '-w')
        return
        ;;
    '--concurrency')
        return
        ;;
    '--tls-ca')
        return
        ;;
    '--tls-servername')
        return
        ;;
    '-x'|'--proxy')
        return
        ;;
    '-X'|'--proxy-type')
        return
        ;;
    '--proxy-auth')
        return
        ;;
    '--proxy-auth-file')
        return
        ;;
    '--proxy-dns')
        return
        ;;
    '--send')
        return
        ;;
    '--expect')
        return
        ;;
    esac
}

_sockscope_send() {
    repeating_flags=()
    non_repeating_flags=(-4 -6 -n -v --progress --no-progress --json --tls --ssl --tls-no-verify --version -h --help)
    repeating_options=(-x --proxy)
    non_repeating_options=(-w --as --tls-ca --tls-servername -X --proxy-type --proxy-auth --proxy-auth-file --proxy-dns)
    __sockscope_offer_flags_options 3

    # Offer option value completions
    case "${prev}" in
    '-w')
        return
        ;;
    '--as')
        return
        ;;
    '--tls-ca')
        return
        ;;
    '--tls-servername')
        return
        ;;
    '-x'|'--proxy')
        return
        ;;
    '-X'|'--proxy-type')
        return
        ;;
    '--proxy-auth')
        return
        ;;
    '--proxy-auth-file')
        return
        ;;
    '--proxy-dns')
        return
        ;;
    esac
}

_sockscope_help() {
    repeating_flags=()
    non_repeating_flags=(--version)
    repeating_options=()
    non_repeating_options=()
    __sockscope_offer_flags_options -1
}

complete -o filenames -F _sockscope sockscope
