function __sockscope_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __sockscope_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __sockscope_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __sockscope_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __sockscope_parse_tokens -S
    set -l unparsed_tokens (__sockscope_tokens -pc)
    switch $unparsed_tokens[1]
    case 'sockscope'
        __sockscope_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'nc'
            __sockscope_parse_subcommand -r 1 '4' '6' 'C' 'd' 'k' 'l' 'N' 'n' 'u' 'U' 'v' 'z' 'i=' 'p=' 'q=' 's=' 'w=' 'hex-dump=' 'pcap=' 'pcap-payload=' 'ladder=' 'max-conns=' 'tls' 'tls-no-verify' 'tls-ca=' 'tls-servername=' 'tls-cert=' 'tls-key=' 'tls-alpn=' 'tls-min=' 'tls-max=' 'tls-verify-client' 'keylog=' 'send-only' 'progress' 'recv-only' 'broker' 'chat' 'allow=+' 'deny=+' 'allow-file=+' 'deny-file=+' 'e/exec=' 'c/sh-exec=' 'exec-stderr' 'x/proxy=+' 'X/proxy-type=' 'proxy-auth=' 'proxy-auth-file=' 'proxy-dns=' 'json' 'tui' 'no-tui' 'version' 'h/help'
        case 'states'
            __sockscope_parse_subcommand 0 't/tcp' 'u/udp' '4' '6' 'l/listening' 'state=' 'port=' 'p/processes' 'no-processes' 'json' 'events' 'duration=' 'segments' 'pcap=' 'pcap-payload=' 'interval=' 'version' 'h/help'
        case 'watch'
            __sockscope_parse_subcommand 0 't/tcp' 'u/udp' '4' '6' 'l/listening' 'state=' 'port=' 'interval=' 'pcap=' 'pcap-payload=' 'version' 'h/help'
        case 'lesson'
            __sockscope_parse_subcommand 1 'script' 'json' 'ladder=' 'html=' 'handout=' 'big' 'record=' 'quiz' 'version' 'h/help'
        case 'replay'
            __sockscope_parse_subcommand 1 'script' 'json' 'ladder=' 'html=' 'handout=' 'big' 'version' 'h/help'
        case 'proxy'
            __sockscope_parse_subcommand -r 1 '4' '6' 'l' 'k' 'n' 'v' 'w=' 'auth-file=' 'allow=+' 'deny=+' 'allow-file=+' 'deny-file=+' 'max-conns=' 'json' 'tui' 'no-tui' 'version' 'h/help'
        case 'serve'
            __sockscope_parse_subcommand -r 1 '4' '6' 'l' 'k' 'n' 'v' 'allow=+' 'deny=+' 'allow-file=+' 'deny-file=+' 'max-conns=' 'json' 'tls' 'tls-cert=' 'tls-key=' 'overwrite' 'keep-partial' 'tui' 'no-tui' 'version' 'h/help'
        case 'probe'
            __sockscope_parse_subcommand 2 '4' '6' 'n' 'c=' 'i=' 'w=' 'concurrency=' 'tls' 'tls-no-verify' 'tls-ca=' 'tls-servername=' 'x/proxy=+' 'X/proxy-type=' 'proxy-auth=' 'proxy-auth-file=' 'proxy-dns=' 'send=' 'expect=' 'json' 'version' 'h/help'
        case 'send'
            __sockscope_parse_subcommand 3 '4' '6' 'n' 'v' 'w=' 'as=' 'progress' 'no-progress' 'json' 'tls' 'tls-no-verify' 'tls-ca=' 'tls-servername=' 'x/proxy=+' 'X/proxy-type=' 'proxy-auth=' 'proxy-auth-file=' 'proxy-dns=' 'version' 'h/help'
        case 'help'
            __sockscope_parse_subcommand -r 1 'version'
        end
    end
end

function __sockscope_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __sockscope_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __sockscope_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __sockscope_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__sockscope_tokens -p)
    if test -z "$(__sockscope_tokens -t)"
        set -l index (count (__sockscope_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'sockscope' -f
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope" version' -l 'version' -d 'Show the version.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_positional "sockscope" -eq 1' -fa 'nc' -d 'Dial, listen or scan, piping standard input and output (the default).'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_positional "sockscope" -eq 1' -fa 'states' -d 'Show every TCP and UDP socket with its state, or stream state transitions (--events).'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_positional "sockscope" -eq 1' -fa 'watch' -d 'Watch every socket\'s state and each transition, explained, in a live screen (a live ss).'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_positional "sockscope" -eq 1' -fa 'lesson' -d 'List the TCP lessons, or run one with real sockets whose states are held step by step.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_positional "sockscope" -eq 1' -fa 'replay' -d 'Play a lesson recorded with \'sockscope lesson NAME --record FILE\', without root.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_positional "sockscope" -eq 1' -fa 'proxy' -d 'Serve as a SOCKS4, SOCKS4a, SOCKS5 and HTTP CONNECT proxy, with a line for each tunnel.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_positional "sockscope" -eq 1' -fa 'serve' -d 'Serve a peer to practise on (echo, discard, daytime, chargen, random, slow, reset, halfclose, receive); alone, list them.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_positional "sockscope" -eq 1' -fa 'probe' -d 'Time connects to HOST PORT phase by phase: each one told (connected, refused, filtered), then min, percentiles, max, mean, mdev and loss.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_positional "sockscope" -eq 1' -fa 'send' -d 'Send FILE to \'sockscope serve receive\' at HOST PORT; exit 0 only when the receiver\'s SHA-256 is ours.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_positional "sockscope" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" 4' -s '4' -d 'Use IPv4 addresses only.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" 6' -s '6' -d 'Use IPv6 addresses only.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" C' -s 'C' -d 'Send CRLF as line ending (a bare LF becomes CR LF).'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" d' -s 'd' -d 'Do not read from standard input.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" k' -s 'k' -d 'With -l, keep listening and serve clients concurrently.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" l' -s 'l' -d 'Listen for an incoming connection instead of dialing.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" N' -s 'N' -d 'Shut down the write half (send FIN) after end of standard input.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" n' -s 'n' -d 'Numeric addresses only: no DNS or service lookups.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" u' -s 'u' -d 'Use UDP (or Unix datagrams with -U).'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" U' -s 'U' -d 'Use a Unix socket; \'@name\' is an abstract one.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" v' -s 'v' -d 'Verbose: connection messages on standard error.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" z' -s 'z' -d 'Scan: report which ports accept a connection, send no data.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" i' -s 'i' -d 'Wait SECS between lines sent and between ports scanned.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" p' -s 'p' -d 'Source port to dial from; with -l, the port to listen on.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" q' -s 'q' -d 'After end of standard input, send FIN; quit after SECS seconds with nothing received (0: when the peer finishes; negative: never).' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" s' -s 's' -d 'Source address to dial from (with -U -u: the client\'s own socket path).' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" w' -s 'w' -d 'Connect timeout and idle timeout in seconds (default: none).' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" hex-dump' -l 'hex-dump' -d 'Write both directions to FILE as a timestamped hex dump.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" pcap' -l 'pcap' -d 'In the screen, as root: write the session\'s frames to FILE as a pcap file.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" pcap-payload' -l 'pcap-payload' -d 'With --pcap, keep N bytes of each segment\'s data (default 0: headers only).' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" ladder' -l 'ladder' -d 'In the screen, as root: draw the selected connection\'s ladder to FILE as SVG when the screen closes.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" max-conns' -l 'max-conns' -d 'With -k, connections served at once; more are closed.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" ssl tls' -l 'tls' -l 'ssl' -d 'Speak TLS over the connection; dialing, the server\'s certificate is verified.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" tls-no-verify' -l 'tls-no-verify' -d 'With --tls, do not verify the server\'s certificate.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" ssl-trustfile tls-ca' -l 'tls-ca' -l 'ssl-trustfile' -d 'With --tls, trust the certificates in FILE (PEM) instead of the system\'s.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" tls-servername' -l 'tls-servername' -d 'With --tls, the name sent as SNI and checked in the certificate (default: the host typed).' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" ssl-cert tls-cert' -l 'tls-cert' -l 'ssl-cert' -d 'With --tls: our certificate (PEM), the server\'s with -l (default: a temporary self-signed one), the client\'s when dialing.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" ssl-key tls-key' -l 'tls-key' -l 'ssl-key' -d 'With --tls-cert, its private key (PEM; default: in the certificate\'s file).' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" ssl-alpn tls-alpn' -l 'tls-alpn' -l 'ssl-alpn' -d 'With --tls, ALPN protocols, comma-separated: offered in order, or accepted in order with -l.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" tls-min' -l 'tls-min' -d 'With --tls, the lowest version allowed: 1.2 (default) or 1.3.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" tls-max' -l 'tls-max' -d 'With --tls, the highest version allowed: 1.2 or 1.3 (default).' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" tls-verify-client' -l 'tls-verify-client' -d 'With -l --tls, every client must present a certificate, verified against --tls-ca or the system\'s.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" keylog' -l 'keylog' -d 'With --tls, append the session\'s secrets to FILE in the NSS key-log format (also SSLKEYLOGFILE).' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" send-only' -l 'send-only' -d 'Only send: what peers send is dropped, and a connection closes once all of standard input has gone to it.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" progress' -l 'progress' -d 'Bytes and rates each way on standard error (redrawn in place on a terminal, else a line a second); never on standard output.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" recv-only' -l 'recv-only' -d 'Only receive: standard input is not read (as -d).'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" broker' -l 'broker' -d 'With -l: every client\'s bytes go to all the other clients (ncat\'s connection broker; implies -k).'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" chat' -l 'chat' -d 'With -l: as --broker, line by line, each line with its sender\'s name.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc"' -l 'allow' -d 'Keep only clients from these addresses or prefixes (comma-separated: 127.0.0.1,10.0.0.0/8); with -l.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc"' -l 'deny' -d 'Refuse clients from these addresses or prefixes; with -l.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc"' -l 'allow-file' -l 'allowfile' -d '--allow\'s addresses and prefixes from FILE, one a line.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc"' -l 'deny-file' -l 'denyfile' -d '--deny\'s addresses and prefixes from FILE, one a line.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" e exec' -s 'e' -l 'exec' -d 'Behind each connection, run PROG (split on blanks, no shell): the connection is its input and output.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" c sh-exec' -s 'c' -l 'sh-exec' -d 'Behind each connection, run /bin/sh -c CMD.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" exec-stderr' -l 'exec-stderr' -d 'With --exec or --sh-exec, the program\'s standard error goes to the connection too (else to ours).'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc"' -s 'x' -l 'proxy' -d 'Dial through this proxy (SOCKS5 unless -X says otherwise); again for a chain, in order.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" X proxy-type' -s 'X' -l 'proxy-type' -d 'The proxies\' protocol: 4, 4a, 5 (default) or connect (ncat\'s socks4, socks5, http).' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" proxy-auth' -l 'proxy-auth' -d 'The proxies\' USER:PASS (also SOCKSCOPE_PROXY_AUTH, or --proxy-auth-file).' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" proxy-auth-file' -l 'proxy-auth-file' -d 'Read the proxies\' USER:PASS from the first line of FILE.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" proxy-dns' -l 'proxy-dns' -d 'Who resolves the target\'s name: remote (the proxy, default) or local.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" json' -l 'json' -d 'The session\'s events (what -v says) as JSON objects, one a line, on standard error; no screen.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" tui' -l 'tui' -d 'Open the interactive screen (default: when standard input and output are terminals and TERM is not dumb).'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" no-tui' -l 'no-tui' -d 'Open the interactive screen (default: when standard input and output are terminals and TERM is not dumb).'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" version' -l 'version' -d 'Show the version.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope nc" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope states" t tcp' -s 't' -l 'tcp' -d 'TCP sockets only.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope states" u udp' -s 'u' -l 'udp' -d 'UDP sockets only.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope states" 4' -s '4' -d 'IPv4 sockets only.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope states" 6' -s '6' -d 'IPv6 sockets only.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope states" l listening' -s 'l' -l 'listening' -d 'Listening sockets only (and unconnected UDP).'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope states" state' -l 'state' -d 'Only these states, comma-separated (e.g. ESTABLISHED,TIME_WAIT, or UNCONN).' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope states" port' -l 'port' -d 'Only sockets with this port at either end.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope states" p processes' -s 'p' -l 'processes' -d 'Look up each socket\'s owning process (default: when at most 5,000 sockets are shown).'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope states" no-processes' -l 'no-processes' -d 'Look up each socket\'s owning process (default: when at most 5,000 sockets are shown).'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope states" json' -l 'json' -d 'JSON: an array of objects; with --events, one object per line.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope states" events' -l 'events' -d 'Stream transitions as they happen, until interrupted or --duration.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope states" duration' -l 'duration' -d 'With --events, stop after SECS seconds.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope states" segments' -l 'segments' -d 'With --events, also the segments behind the transitions (SYN, ACK, FIN, RST with seq, ack, window), from a capture on lo (root).'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope states" pcap' -l 'pcap' -d 'With --events, write the captured frames to FILE as a pcap file (nanosecond timestamps; root).' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope states" pcap-payload' -l 'pcap-payload' -d 'With --pcap, keep N bytes of each segment\'s data (default 0: headers only).' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope states" interval' -l 'interval' -d 'With --events, how often /proc is read, in seconds (default 0.1).' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope states" version' -l 'version' -d 'Show the version.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope states" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope watch" t tcp' -s 't' -l 'tcp' -d 'TCP sockets only.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope watch" u udp' -s 'u' -l 'udp' -d 'UDP sockets only.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope watch" 4' -s '4' -d 'IPv4 sockets only.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope watch" 6' -s '6' -d 'IPv6 sockets only.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope watch" l listening' -s 'l' -l 'listening' -d 'Listening sockets only (and unconnected UDP).'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope watch" state' -l 'state' -d 'Only these states, comma-separated (e.g. ESTABLISHED,TIME_WAIT, or UNCONN).' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope watch" port' -l 'port' -d 'Only sockets with this port at either end.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope watch" interval' -l 'interval' -d 'How often the socket tables are read, in seconds.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope watch" pcap' -l 'pcap' -d 'Write the frames the filters pass to FILE as a pcap file (nanosecond timestamps; root).' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope watch" pcap-payload' -l 'pcap-payload' -d 'With --pcap, keep N bytes of each segment\'s data (default 0: headers only).' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope watch" version' -l 'version' -d 'Show the version.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope watch" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_positional "sockscope lesson" -eq 1' -fka 'handshake close time-wait flow-control writes refused resets retransmission delayed-ack backlog simultaneous-open simultaneous-close udp'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope lesson" script' -l 'script' -d 'Run without the screen, printing each step, the segments and states observed and the verdict.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope lesson" json' -l 'json' -d 'With --script, one JSON object per line.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope lesson" ladder' -l 'ladder' -d 'Draw every connection\'s ladder to FILE as SVG (replay: then stop, unless --script).' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope lesson" html' -l 'html' -d 'Write a self-contained page that steps through the lesson to FILE, for a projector or a browser.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope lesson" handout' -l 'handout' -d 'Write a handout (the steps, checks, final ladder, legend and the states\' names) to FILE: Markdown, or HTML for a .html name.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope lesson" big' -l 'big' -d 'On the screen, start in the projector view: the ladder has the screen, the ends and the step a line each (b toggles it).'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope lesson" record' -l 'record' -d 'Save the run (narration, segments, transitions, verdicts) to FILE as JSON lines, for \'sockscope replay\'.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope lesson" quiz' -l 'quiz' -d 'Predict, then see: before each step, each end\'s next state and the segment that brings it there are asked, then scored against the kernel (with --script, answers from standard input, one a line).'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope lesson" version' -l 'version' -d 'Show the version.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope lesson" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_positional "sockscope replay" -eq 1' -F
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope replay" script' -l 'script' -d 'Print the recorded steps, segments, states and verdicts instead of opening the screen.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope replay" json' -l 'json' -d 'With --script, one JSON object per line.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope replay" ladder' -l 'ladder' -d 'Draw every connection\'s ladder to FILE as SVG (replay: then stop, unless --script).' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope replay" html' -l 'html' -d 'Write a self-contained page that steps through the lesson to FILE, for a projector or a browser.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope replay" handout' -l 'handout' -d 'Write a handout (the steps, checks, final ladder, legend and the states\' names) to FILE: Markdown, or HTML for a .html name.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope replay" big' -l 'big' -d 'On the screen, start in the projector view: the ladder has the screen, the ends and the step a line each (b toggles it).'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope replay" version' -l 'version' -d 'Show the version.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope replay" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope proxy" 4' -s '4' -d 'IPv4 only (the listener and the targets).'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope proxy" 6' -s '6' -d 'IPv6 only (the listener and the targets).'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope proxy" l' -s 'l' -d 'Listen (what the proxy always does; accepted as nc\'s).'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope proxy" k' -s 'k' -d 'Keep listening (what the proxy always does; accepted as nc\'s).'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope proxy" n' -s 'n' -d 'Numeric addresses only for the listener: no DNS.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope proxy" v' -s 'v' -d 'Also a line when each tunnel opens, with its negotiation and its time.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope proxy" w' -s 'w' -d 'How long a target\'s handshake may take, in seconds (default: the kernel\'s limit).' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope proxy" auth-file' -l 'auth-file' -d 'Ask for a username and password (SOCKS5, HTTP Basic): the USER:PASSWORD lines of FILE.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope proxy"' -l 'allow' -d 'Keep only clients from these addresses or prefixes (comma-separated: 127.0.0.1,10.0.0.0/8); with -l.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope proxy"' -l 'deny' -d 'Refuse clients from these addresses or prefixes; with -l.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope proxy"' -l 'allow-file' -l 'allowfile' -d '--allow\'s addresses and prefixes from FILE, one a line.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope proxy"' -l 'deny-file' -l 'denyfile' -d '--deny\'s addresses and prefixes from FILE, one a line.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope proxy" max-conns' -l 'max-conns' -d 'Tunnels at once (default 100); more clients are closed.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope proxy" json' -l 'json' -d 'Each line a JSON object; no screen.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope proxy" tui' -l 'tui' -d 'Open the screen: the tunnels\' legs and their states (default: when standard input and output are terminals and TERM is not dumb).'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope proxy" no-tui' -l 'no-tui' -d 'Open the screen: the tunnels\' legs and their states (default: when standard input and output are terminals and TERM is not dumb).'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope proxy" version' -l 'version' -d 'Show the version.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope proxy" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope serve" 4' -s '4' -d 'IPv4 only.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope serve" 6' -s '6' -d 'IPv6 only.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope serve" l' -s 'l' -d 'Listen (what a peer always does; accepted as nc\'s).'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope serve" k' -s 'k' -d 'Keep listening (what a peer always does; accepted as nc\'s).'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope serve" n' -s 'n' -d 'Numeric addresses only for the listener: no DNS.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope serve" v' -s 'v' -d 'Also a line when each client connects.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope serve"' -l 'allow' -d 'Keep only clients from these addresses or prefixes (comma-separated: 127.0.0.1,10.0.0.0/8); with -l.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope serve"' -l 'deny' -d 'Refuse clients from these addresses or prefixes; with -l.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope serve"' -l 'allow-file' -l 'allowfile' -d '--allow\'s addresses and prefixes from FILE, one a line.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope serve"' -l 'deny-file' -l 'denyfile' -d '--deny\'s addresses and prefixes from FILE, one a line.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope serve" max-conns' -l 'max-conns' -d 'Clients at once (default 100); more are closed.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope serve" json' -l 'json' -d 'Each line a JSON object; no screen.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope serve" ssl tls' -l 'tls' -l 'ssl' -d 'Serve over TLS: a temporary self-signed certificate unless --tls-cert.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope serve" tls-cert' -l 'tls-cert' -d 'With --tls, our certificate (PEM, with its chain).' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope serve" tls-key' -l 'tls-key' -d 'With --tls-cert, its private key (PEM; default: in the certificate\'s file).' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope serve" overwrite' -l 'overwrite' -d 'receive: replace a file of the same name (never a directory).'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope serve" keep-partial' -l 'keep-partial' -d 'receive: keep what arrived of a file cut short as NAME.part (default: removed).'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope serve" tui' -l 'tui' -d 'Open the screen (default: when standard input and output are terminals and TERM is not dumb).'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope serve" no-tui' -l 'no-tui' -d 'Open the screen (default: when standard input and output are terminals and TERM is not dumb).'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_positional "sockscope serve" -ge 1' -fka 'echo discard daytime chargen random slow reset halfclose receive'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope serve" version' -l 'version' -d 'Show the version.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope serve" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope probe" 4' -s '4' -d 'IPv4 only.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope probe" 6' -s '6' -d 'IPv6 only.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope probe" n' -s 'n' -d 'Numeric addresses only: no DNS.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope probe" c' -s 'c' -d 'How many probes (default 4; at most 100000).' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope probe" i' -s 'i' -d 'Seconds between probes (default 1).' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope probe" w' -s 'w' -d 'How long a probe waits for an answer (default 2 s): past it, filtered; also each later phase\'s limit.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope probe" concurrency' -l 'concurrency' -d 'Probes at once (default 1; at most 1000): a pool of n connections held open together, then closed.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope probe" ssl tls' -l 'tls' -l 'ssl' -d 'Over TLS (probe: a handshake timed after each connect; send: to \'serve receive --tls\').'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope probe" tls-no-verify' -l 'tls-no-verify' -d 'With --tls, do not verify the peer\'s certificate.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope probe" tls-ca' -l 'tls-ca' -d 'With --tls, trust the certificates in FILE instead of the system\'s.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope probe" tls-servername' -l 'tls-servername' -d 'With --tls, the name sent as SNI and checked (default: host).' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope probe"' -s 'x' -l 'proxy' -d 'Dial through this proxy (SOCKS5 unless -X says otherwise); again for a chain, in order.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope probe" X proxy-type' -s 'X' -l 'proxy-type' -d 'The proxies\' protocol: 4, 4a, 5 (default) or connect (ncat\'s socks4, socks5, http).' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope probe" proxy-auth' -l 'proxy-auth' -d 'The proxies\' USER:PASS (also SOCKSCOPE_PROXY_AUTH, or --proxy-auth-file).' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope probe" proxy-auth-file' -l 'proxy-auth-file' -d 'Read the proxies\' USER:PASS from the first line of FILE.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope probe" proxy-dns' -l 'proxy-dns' -d 'Who resolves the target\'s name: remote (the proxy, default) or local.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope probe" send' -l 'send' -d 'Send DATA after connecting (\\n \\r \\t \\0 \\\\ \\xHH understood) and time the reply\'s first byte.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope probe" expect' -l 'expect' -d 'Wait until the reply holds TEXT (same escapes); a probe without it fails.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope probe" json' -l 'json' -d 'An object per probe and one for the summary.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope probe" version' -l 'version' -d 'Show the version.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope probe" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope send" 4' -s '4' -d 'IPv4 only.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope send" 6' -s '6' -d 'IPv6 only.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope send" n' -s 'n' -d 'Numeric addresses only: no DNS.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope send" v' -s 'v' -d 'Say when connected.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope send" w' -s 'w' -d 'Seconds to wait for the connect and for each answer (default: no limit).' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope send" as' -l 'as' -d 'The name it is sent under (default: FILE\'s last component).' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope send" progress' -l 'progress' -d 'Progress on standard error (default: when it is a terminal).'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope send" no-progress' -l 'no-progress' -d 'Progress on standard error (default: when it is a terminal).'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope send" json' -l 'json' -d 'The result as a JSON object.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope send" ssl tls' -l 'tls' -l 'ssl' -d 'Over TLS (probe: a handshake timed after each connect; send: to \'serve receive --tls\').'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope send" tls-no-verify' -l 'tls-no-verify' -d 'With --tls, do not verify the peer\'s certificate.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope send" tls-ca' -l 'tls-ca' -d 'With --tls, trust the certificates in FILE instead of the system\'s.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope send" tls-servername' -l 'tls-servername' -d 'With --tls, the name sent as SNI and checked (default: host).' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope send"' -s 'x' -l 'proxy' -d 'Dial through this proxy (SOCKS5 unless -X says otherwise); again for a chain, in order.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope send" X proxy-type' -s 'X' -l 'proxy-type' -d 'The proxies\' protocol: 4, 4a, 5 (default) or connect (ncat\'s socks4, socks5, http).' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope send" proxy-auth' -l 'proxy-auth' -d 'The proxies\' USER:PASS (also SOCKSCOPE_PROXY_AUTH, or --proxy-auth-file).' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope send" proxy-auth-file' -l 'proxy-auth-file' -d 'Read the proxies\' USER:PASS from the first line of FILE.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope send" proxy-dns' -l 'proxy-dns' -d 'Who resolves the target\'s name: remote (the proxy, default) or local.' -rfka ''
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope send" version' -l 'version' -d 'Show the version.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope send" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sockscope' -n '__sockscope_should_offer_completions_for_flags_or_options "sockscope help" version' -l 'version' -d 'Show the version.'
