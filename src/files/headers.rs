//! What a served file's headers say: the media types served as such (anything else is
//! `application/octet-stream`), and `Content-Disposition` with the file name made safe
//! for a header (an ASCII `filename` plus an RFC 5987 `filename*` for other characters).

/// The `Content-Type` a stored media type is served with.
pub(crate) fn served_media_type(stored: &str) -> &'static str {
    let essence = stored.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case("image/png") {
        "image/png"
    } else if essence.eq_ignore_ascii_case("text/csv") {
        "text/csv; charset=utf-8"
    } else if essence.eq_ignore_ascii_case("application/json") {
        "application/json"
    } else if essence.eq_ignore_ascii_case("text/plain") {
        "text/plain; charset=utf-8"
    } else {
        "application/octet-stream"
    }
}

/// Whether the file is shown in place (PNG, so Adaptive Card images render) rather than
/// downloaded.
pub(crate) fn is_inline(served: &str) -> bool {
    served == "image/png"
}

/// Longest file name put in a header, in characters.
const MAX_NAME_CHARS: usize = 120;

/// `inline` or `attachment`, with the sanitized file name.
pub(crate) fn content_disposition(filename: &str, inline: bool) -> String {
    let kind = if inline { "inline" } else { "attachment" };
    let clean = clean_name(filename);
    let ascii = ascii_name(&clean);
    if clean == ascii {
        format!("{kind}; filename=\"{ascii}\"")
    } else {
        format!(
            "{kind}; filename=\"{ascii}\"; filename*=UTF-8''{}",
            percent_encode(&clean)
        )
    }
}

/// The name without control characters, quotes, path separators or leading dots, at most
/// [`MAX_NAME_CHARS`] characters, `file` when nothing is left.
fn clean_name(filename: &str) -> String {
    let kept: String = filename
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '"' | '\\' | '/' | ';' | '%') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed = kept.trim().trim_start_matches('.').trim();
    let short: String = trimmed.chars().take(MAX_NAME_CHARS).collect();
    if short.is_empty() {
        "file".to_string()
    } else {
        short
    }
}

/// The name with every character outside a conservative ASCII set replaced by `_`.
fn ascii_name(clean: &str) -> String {
    clean
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ' | '(' | ')') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// RFC 5987 `value-chars`: attr-char kept, every other byte `%XX`.
fn percent_encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len() * 3);
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric()
            || matches!(
                byte,
                b'!' | b'#' | b'$' | b'&' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~'
            )
        {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_four_media_types_are_served_as_such() {
        assert_eq!(served_media_type("image/png"), "image/png");
        assert_eq!(served_media_type("IMAGE/PNG"), "image/png");
        assert_eq!(served_media_type("text/csv"), "text/csv; charset=utf-8");
        assert_eq!(
            served_media_type("text/plain; charset=utf-8"),
            "text/plain; charset=utf-8"
        );
        assert_eq!(served_media_type("application/json"), "application/json");
        for other in [
            "text/html",
            "image/svg+xml",
            "application/javascript",
            "",
            "x",
        ] {
            assert_eq!(served_media_type(other), "application/octet-stream");
        }
        assert!(is_inline("image/png"));
        assert!(!is_inline("text/csv; charset=utf-8"));
    }

    #[test]
    fn file_names_are_made_safe_for_headers() {
        assert_eq!(
            content_disposition("attendance.csv", false),
            "attachment; filename=\"attendance.csv\""
        );
        assert_eq!(
            content_disposition("chart.png", true),
            "inline; filename=\"chart.png\""
        );
        assert_eq!(
            content_disposition("a\"b\r\nSet-Cookie: x=1;.csv", false),
            "attachment; filename=\"a_b__Set-Cookie_ x_1_.csv\"; \
             filename*=UTF-8''a_b__Set-Cookie%3A%20x%3D1_.csv"
        );
        assert_eq!(
            content_disposition("../../etc/passwd", false),
            "attachment; filename=\"_.._etc_passwd\""
        );
        assert_eq!(
            content_disposition("...", false),
            "attachment; filename=\"file\""
        );
        assert_eq!(
            content_disposition("Présence é.csv", false),
            "attachment; filename=\"Pr_sence _.csv\"; filename*=UTF-8''Pr%C3%A9sence%20%C3%A9.csv"
        );
        let long = "x".repeat(500);
        assert_eq!(content_disposition(&long, false).len(), 22 + 120 + 1);
    }
}
