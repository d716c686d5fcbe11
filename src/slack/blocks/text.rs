//! Text helpers for Block Kit: mrkdwn escaping and cutting text to character limits
//! (Slack counts characters, not bytes) without splitting a UTF-8 character or an
//! `&amp;`-style entity, preferring line breaks and then spaces.

/// Escapes the three characters Slack's mrkdwn treats as control characters.
pub(super) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// Number of characters (what Slack's limits count).
pub(super) fn chars(s: &str) -> usize {
    s.chars().count()
}

/// Splits `s` into a head of at most `max` characters and the rest. Prefers cutting
/// after a line break, then at a space (when that keeps at least half of `max`), and
/// never cuts inside an entity produced by [`escape`].
pub(super) fn split_at_most(s: &str, max: usize) -> (&str, &str) {
    let Some((hard, _)) = s.char_indices().nth(max) else {
        return (s, "");
    };
    let window = &s[..hard];
    let half = window.len() / 2;
    if let Some(p) = window.rfind('\n').filter(|&p| p >= half && p > 0) {
        return (&s[..p], &s[p + 1..]);
    }
    if let Some(p) = window.rfind(' ').filter(|&p| p >= half && p > 0) {
        return (&s[..p], &s[p + 1..]);
    }
    // Hard cut; step back before an entity that would be split (`&amp;` is 5 bytes).
    let mut cut = hard;
    if let Some(amp) = window.rfind('&')
        && hard - amp < 5
        && !window[amp..].contains(';')
    {
        cut = amp;
    }
    (&s[..cut], &s[cut..])
}

/// `s` cut to at most `max` characters; when cut, ends with `marker` (which counts;
/// give it a leading space if it should stand apart).
pub(super) fn truncate_with(s: &str, max: usize, marker: &str) -> String {
    if chars(s) <= max {
        return s.to_owned();
    }
    let room = max.saturating_sub(chars(marker));
    let (head, _) = split_at_most(s, room);
    let head = head.trim_end();
    if head.is_empty() {
        let (m, _) = split_at_most(marker, max);
        return m.to_owned();
    }
    format!("{head}{marker}")
}

/// Plain text cut to `max` characters with an ellipsis (labels, headers, cells).
pub(super) fn clip(s: &str, max: usize) -> String {
    truncate_with(s, max, "…")
}

/// The correlation id a text carries as "correlation id abc123" (any case, an optional
/// colon), if any.
pub(super) fn correlation_id(text: &str) -> Option<String> {
    const KEY: &str = "correlation id";
    let lower = text.to_ascii_lowercase();
    let start = lower.find(KEY)? + KEY.len();
    let rest = text.get(start..)?;
    let rest = rest.trim_start_matches([':', ' ', '\t', '`', '*']);
    let id: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .take(64)
        .collect();
    let id = id.trim_end_matches('.');
    (!id.is_empty()).then(|| id.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_control_characters() {
        assert_eq!(escape("a<b> & c"), "a&lt;b&gt; &amp; c");
    }

    #[test]
    fn splits_on_lines_then_spaces_then_hard() {
        assert_eq!(split_at_most("abc\ndef", 5), ("abc", "def"));
        assert_eq!(split_at_most("abc def", 5), ("abc", "def"));
        assert_eq!(split_at_most("abcdefgh", 5), ("abcde", "fgh"));
        assert_eq!(split_at_most("short", 5), ("short", ""));
    }

    #[test]
    fn never_splits_entities_or_characters() {
        assert_eq!(split_at_most("abcd&amp;x", 6), ("abcd", "&amp;x"));
        assert_eq!(split_at_most("ééééé", 3), ("ééé", "éé"));
    }

    #[test]
    fn truncation_keeps_marker_within_limit() {
        let t = truncate_with(&"word ".repeat(100), 40, " … (more)");
        assert!(chars(&t) <= 40, "{t}");
        assert!(t.ends_with("word … (more)"), "{t}");
        assert_eq!(truncate_with("tiny", 2, "…"), "t…");
        assert_eq!(truncate_with("tiny", 4, "…"), "tiny");
    }

    #[test]
    fn finds_correlation_ids() {
        assert_eq!(
            correlation_id("Something failed (correlation id abc123).").as_deref(),
            Some("abc123")
        );
        assert_eq!(
            correlation_id("Correlation ID: `7f3e-42`").as_deref(),
            Some("7f3e-42")
        );
        assert_eq!(correlation_id("no id here"), None);
        assert_eq!(correlation_id("correlation id ."), None);
    }
}
