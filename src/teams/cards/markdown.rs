//! Slack-style markdown (what [`crate::core::Reply`] texts are written in) → the markdown
//! Teams renders in Adaptive Card `TextBlock`s: `*bold*` → `**bold**`, `<url|label>` →
//! `[label](url)`, `<url>` → `[url](url)`, and a single line break doubled (Teams joins
//! the lines of a paragraph). Code spans and fences are left untouched, as are `_italic_`
//! (the same in both) and anything that is not one of these.

/// `text` with Slack's bold, links and line breaks rewritten for Teams.
pub fn to_teams(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text.as_str();
    while let Some(c) = rest.chars().next() {
        if let Some(inner) = rest.strip_prefix("```") {
            // A fence: copied as is up to (and with) its closing fence, or to the end.
            let end = inner.find("```").map_or(rest.len(), |i| i + 6);
            out.push_str(&rest[..end]);
            rest = &rest[end..];
            continue;
        }
        match c {
            '`' => match rest[1..].find('`') {
                Some(i) => {
                    out.push_str(&rest[..i + 2]);
                    rest = &rest[i + 2..];
                }
                None => {
                    out.push('`');
                    rest = &rest[1..];
                }
            },
            '<' => match link(rest) {
                Some((converted, len)) => {
                    out.push_str(&converted);
                    rest = &rest[len..];
                }
                None => {
                    out.push('<');
                    rest = &rest[1..];
                }
            },
            '*' => match bold(&out, rest) {
                Some((inner, len)) => {
                    out.push_str("**");
                    out.push_str(&to_teams(inner));
                    out.push_str("**");
                    rest = &rest[len..];
                }
                None => {
                    // A run of asterisks (already `**bold**`, or a list marker) stays.
                    let run = rest.len() - rest.trim_start_matches('*').len();
                    out.push_str(&rest[..run]);
                    rest = &rest[run..];
                }
            },
            '\n' => {
                // A paragraph break stays; a lone line break becomes one.
                let run = rest.len() - rest.trim_start_matches('\n').len();
                out.push_str(if run == 1 { "\n\n" } else { &rest[..run] });
                rest = &rest[run..];
            }
            c => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    out
}

/// `<https://x|label>`, `<mailto:a@b|a@b>` or `<https://x>` at the start of `s`: the
/// markdown link and how many bytes of `s` it replaces.
fn link(s: &str) -> Option<(String, usize)> {
    let end = s.find('>')?;
    let inner = &s[1..end];
    if inner.contains(['\n', '<']) {
        return None;
    }
    let (url, label) = match inner.split_once('|') {
        Some((url, label)) => (url, label),
        None => (inner, inner.strip_prefix("mailto:").unwrap_or(inner)),
    };
    let scheme_ok = ["https://", "http://", "mailto:"]
        .iter()
        .any(|p| url.starts_with(p));
    if !scheme_ok || url.contains(char::is_whitespace) {
        return None;
    }
    let label = if label.trim().is_empty() { url } else { label };
    let label = label.replace('[', "\\[").replace(']', "\\]");
    let url = url.replace('(', "%28").replace(')', "%29");
    Some((format!("[{label}]({url})"), end + 1))
}

/// A Slack `*bold*` span at the start of `s` (`before` is what precedes it): its inner
/// text and the bytes it takes. The opening `*` must not follow a letter or digit and be
/// followed by a non-space; the closing one, on the same line, must follow a non-space
/// and not be followed by a letter, a digit or another `*`.
fn bold<'a>(before: &str, s: &'a str) -> Option<(&'a str, usize)> {
    let prev = before.chars().next_back();
    if prev.is_some_and(|p| p.is_alphanumeric() || p == '*') {
        return None;
    }
    let body = &s[1..];
    let first = body.chars().next()?;
    if first.is_whitespace() || first == '*' {
        return None;
    }
    let line = body.split('\n').next().unwrap_or(body);
    for (i, _) in line.match_indices('*') {
        let inner = &line[..i];
        let after = line[i + 1..].chars().next();
        let closes = inner
            .chars()
            .next_back()
            .is_some_and(|c| !c.is_whitespace())
            && after.is_none_or(|a| !a.is_alphanumeric() && a != '*');
        if closes {
            return Some((inner, i + 2));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::to_teams;

    #[test]
    fn bold_becomes_double_asterisks() {
        assert_eq!(to_teams("*Invite* kim"), "**Invite** kim");
        assert_eq!(to_teams("a *b c* d"), "a **b c** d");
        assert_eq!(to_teams("(*x*)."), "(**x**).");
        assert_eq!(to_teams("line *one*\n*two*"), "line **one**\n\n**two**");
    }

    #[test]
    fn things_that_are_not_bold_stay() {
        assert_eq!(to_teams("2*3*4"), "2*3*4");
        assert_eq!(to_teams("a * b * c"), "a * b * c");
        assert_eq!(to_teams("**already**"), "**already**");
        assert_eq!(to_teams("* item\n* item"), "* item\n\n* item");
        assert_eq!(to_teams("*open\nclose*"), "*open\n\nclose*");
        assert_eq!(to_teams("_italic_ ~strike~"), "_italic_ ~strike~");
    }

    #[test]
    fn links_become_markdown_links() {
        assert_eq!(
            to_teams("see <https://x.org/a|the docs>."),
            "see [the docs](https://x.org/a)."
        );
        assert_eq!(
            to_teams("<https://x.org>"),
            "[https://x.org](https://x.org)"
        );
        assert_eq!(to_teams("<mailto:a@b.org>"), "[a@b.org](mailto:a@b.org)");
        assert_eq!(
            to_teams("<https://x.org/(a)|[b]>"),
            "[\\[b\\]](https://x.org/%28a%29)"
        );
        assert_eq!(
            to_teams("*<https://x.org|bold link>*"),
            "**[bold link](https://x.org)**"
        );
    }

    #[test]
    fn other_angle_brackets_stay() {
        assert_eq!(to_teams("invite <email>"), "invite <email>");
        assert_eq!(to_teams("a < b > c"), "a < b > c");
        assert_eq!(to_teams("<@U123>"), "<@U123>");
        assert_eq!(to_teams("x <"), "x <");
    }

    #[test]
    fn code_is_left_alone() {
        assert_eq!(
            to_teams("run `*not bold* <https://x|y>` now"),
            "run `*not bold* <https://x|y>` now"
        );
        assert_eq!(
            to_teams("```\n*a* <https://x|y>\n``` *b*"),
            "```\n*a* <https://x|y>\n``` **b**"
        );
        assert_eq!(to_teams("```open *a*"), "```open *a*");
        assert_eq!(to_teams("lone ` *a*"), "lone ` **a**");
    }

    #[test]
    fn lone_line_breaks_are_doubled() {
        assert_eq!(to_teams("a\nb\n\nc\r\nd"), "a\n\nb\n\nc\n\nd");
        assert_eq!(to_teams("a\n\n\nb"), "a\n\n\nb");
        assert_eq!(to_teams("```\na\nb\n```"), "```\na\nb\n```");
    }

    #[test]
    fn non_ascii_is_kept_whole() {
        assert_eq!(to_teams("é *ü* 日本"), "é **ü** 日本");
        assert_eq!(to_teams("“*x*”"), "“**x**”");
    }
}
