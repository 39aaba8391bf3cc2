// ncursesw for Swift (DESIGN.md: CCurses). Wide-character support must be switched on here,
// before the header, or get_wch and friends are missing; macros and globals that Swift cannot
// import or rejects in Swift 6 mode are wrapped in static inline functions.
#ifndef SOCKSCOPE_CCURSES_SHIM_H
#define SOCKSCOPE_CCURSES_SHIM_H

#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>

static inline WINDOW *ccurses_stdscr(void) { return stdscr; }
static inline int ccurses_lines(void) { return LINES; }
static inline int ccurses_cols(void) { return COLS; }
static inline int ccurses_colors(void) { return COLORS; }

static inline attr_t ccurses_a_bold(void) { return A_BOLD; }
static inline attr_t ccurses_a_dim(void) { return A_DIM; }
static inline attr_t ccurses_a_reverse(void) { return A_REVERSE; }
static inline attr_t ccurses_a_underline(void) { return A_UNDERLINE; }
static inline attr_t ccurses_color_pair(short pair) { return COLOR_PAIR(pair); }
static inline int ccurses_key_f(int n) { return KEY_F(n); }

/// One key: returns 0 when none is waiting, 1 for a character in *value, 2 for a KEY_* code.
static inline int ccurses_read_key(unsigned int *value) {
    wint_t ch = 0;
    int kind = wget_wch(stdscr, &ch);
    *value = (unsigned int)ch;
    if (kind == KEY_CODE_YES) return 2;
    if (kind == OK) return 1;
    return 0;
}

/// The width ncurses (through the C library) gives a character: -1 for non-printable ones.
static inline int ccurses_wcwidth(unsigned int scalar) { return wcwidth((wchar_t)scalar); }

#endif
