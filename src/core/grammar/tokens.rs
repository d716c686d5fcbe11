//! The tokenizer: Slack markup unwrapped, then whitespace-separated words with double
//! quotes (straight or curly) grouping words, and `key=value` options recognised.
//!
//! Slack rewrites what people type before the bot sees it: `<mailto:a@b.c|a@b.c>` for an
//! address, `<@U012ABC>` for a mention, `<#C123|general>` for a channel, `&amp;` for `&`.
//! [`unwrap_slack`] turns those back into the words the grammar expects, so the console,
//! Teams and Slack all feed the same parser.

use crate::core::command::UsageError;

/// Longest text the parser reads (Slack caps slash commands near 4,000 characters).
pub const MAX_INPUT_CHARS: usize = 8_000;

/// One word as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The word with its quotes removed.
    pub text: String,
    /// Whether any part of the word was quoted (a quoted word is never a range word or
    /// a keyword, so `attendance "last week"` names a room).
    pub quoted: bool,
    /// Byte offset in `text` of the first `=` typed outside quotes, if any.
    eq: Option<usize>,
}

impl Token {
    /// `Some((key, value))` when the word is an option such as `team=A` or
    /// `title="Head of Sales"` (the key is as typed; the value may be empty).
    pub fn option(&self) -> Option<(&str, &str)> {
        let eq = self.eq?;
        Some((self.text.get(..eq)?, self.text.get(eq + 1..)?))
    }

    /// The word in lower case when it was typed without quotes (a keyword candidate).
    pub fn keyword(&self) -> Option<String> {
        (!self.quoted && self.eq.is_none()).then(|| self.text.to_lowercase())
    }

    /// Whether the word, unquoted, is `word` (ASCII case-insensitive).
    pub fn is(&self, word: &str) -> bool {
        !self.quoted && self.text.eq_ignore_ascii_case(word)
    }
}

/// Splits `text` into words, after unwrapping Slack markup.
pub fn tokenize(text: &str) -> Result<Vec<Token>, UsageError> {
    let chars = text.chars().count();
    if chars > MAX_INPUT_CHARS {
        return Err(UsageError::new(
            format!(
                "The command is too long ({chars} characters; at most {MAX_INPUT_CHARS}). \
                 Type `help` for the list of commands."
            ),
            None,
        ));
    }
    let text = unwrap_slack(text);
    let mut tokens = Vec::new();
    let mut current: Option<Token> = None;
    let mut in_quote = false;
    for c in text.chars() {
        if is_quote(c) {
            in_quote = !in_quote;
            current.get_or_insert_with(empty_token).quoted = true;
        } else if c.is_whitespace() && !in_quote {
            if let Some(token) = current.take() {
                tokens.push(token);
            }
        } else {
            let token = current.get_or_insert_with(empty_token);
            if c == '=' && !in_quote && token.eq.is_none() {
                token.eq = Some(token.text.len());
            }
            token.text.push(c);
        }
    }
    if in_quote {
        return Err(UsageError::new(
            "A quote is not closed: put a `\"` after the quoted words, e.g. \
             `attendance \"Team Suite\" last week` or `title=\"Head of Sales\"`.",
            None,
        ));
    }
    tokens.extend(current);
    Ok(tokens)
}

fn empty_token() -> Token {
    Token {
        text: String::new(),
        quoted: false,
        eq: None,
    }
}

/// Straight and curly double quotes (phones and Teams turn `"` into `“ ”`).
fn is_quote(c: char) -> bool {
    matches!(c, '"' | '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}')
}

/// Replaces Slack's markup with plain words: `<mailto:a@b.c|a@b.c>` → `a@b.c`,
/// `<@U012ABC>` / `<@U012ABC|name>` → `slack:U012ABC`, `<!subteam^S123|@ops>` →
/// `slack-group:S123`, `<#C123|general>` → `C123`, `<https://x|label>` → `label`, and the
/// entities `&lt;`, `&gt;`, `&amp;` → `<`, `>`, `&`. Anything else between `<` and `>`
/// is kept as typed.
pub fn unwrap_slack(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find(['>', '<']) {
            Some(close) if after.as_bytes().get(close) == Some(&b'>') => {
                let inner = &after[..close];
                match slack_entity(inner) {
                    Some(plain) => out.push_str(&plain),
                    None => {
                        out.push('<');
                        out.push_str(inner);
                        out.push('>');
                    }
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The plain word for the inside of one `<…>`, if it is Slack markup.
fn slack_entity(inner: &str) -> Option<String> {
    let (target, label) = match inner.split_once('|') {
        Some((t, l)) => (t, Some(l)),
        None => (inner, None),
    };
    let id_like = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric());
    if let Some(user) = target.strip_prefix('@') {
        return id_like(user).then(|| format!("slack:{user}"));
    }
    if let Some(channel) = target.strip_prefix('#') {
        return id_like(channel).then(|| channel.to_string());
    }
    if let Some(group) = target.strip_prefix("!subteam^") {
        return id_like(group).then(|| format!("slack-group:{group}"));
    }
    if let Some(address) = target.strip_prefix("mailto:") {
        return Some(address.to_string());
    }
    if target.starts_with("http://") || target.starts_with("https://") {
        return Some(label.unwrap_or(target).to_string());
    }
    None
}
