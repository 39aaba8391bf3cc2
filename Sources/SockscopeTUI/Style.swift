/// What a view may draw with; the meaning, not the colour (CursesScreen maps styles to colours,
/// or to attributes alone under NO_COLOR).
public enum Style: Sendable, CaseIterable {
    case normal, title, dim, received, sent, note, escape, own, localPeer, changed, selected, warning,
         key, input
}
