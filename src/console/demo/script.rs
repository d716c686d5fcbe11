//! `demo --script FILE`: the file's lines run as if typed, echoed with the prompt, so
//! stdout is a transcript. Blank lines and lines starting with `#` are skipped; a line may
//! end with `  # expect: ok|pending|refused|failed|usage` to assert the reply's status
//! (without it any status passes). The script fails when an expectation is not met.

use std::io::{self, Write};
use std::path::Path;

use super::session::{LineOutcome, Session};
use crate::console::status_word;
use crate::core::Status;

/// One line to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptLine {
    /// 1-based line number in the file.
    pub number: usize,
    pub text: String,
    pub expect: Option<Status>,
}

/// A line of the script that cannot be understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ScriptError {
    pub line: usize,
    pub message: String,
}

/// The runnable lines of a script, or the first line that is malformed.
pub fn parse(source: &str) -> Result<Vec<ScriptLine>, ScriptError> {
    let mut lines = Vec::new();
    for (i, raw) in source.lines().enumerate() {
        let number = i + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let (text, expect) = split_expectation(trimmed).map_err(|message| ScriptError {
            line: number,
            message,
        })?;
        if text.is_empty() {
            return Err(ScriptError {
                line: number,
                message: "an expectation without a command".to_string(),
            });
        }
        lines.push(ScriptLine {
            number,
            text: text.to_string(),
            expect,
        });
    }
    Ok(lines)
}

/// `text  # expect: usage` → (`text`, Some(Usage)). Only a trailing `# expect:` comment is
/// taken off; any other `#` is part of the command (`suspend x ticket #42`).
fn split_expectation(line: &str) -> Result<(&str, Option<Status>), String> {
    const MARK: &str = "# expect:";
    let Some(at) = line.rfind(MARK) else {
        return Ok((line, None));
    };
    let before = &line[..at];
    if !before.is_empty() && !before.ends_with(char::is_whitespace) {
        return Ok((line, None));
    }
    let word = line[at + MARK.len()..].trim();
    let status = match word.to_ascii_lowercase().as_str() {
        "ok" => Status::Ok,
        "pending" => Status::Pending,
        "refused" => Status::Refused,
        "failed" => Status::Failed,
        "usage" => Status::Usage,
        _ => {
            return Err(format!(
                "`# expect: {word}` is not an expectation: use ok, pending, refused, failed or usage"
            ));
        }
    };
    Ok((before.trim_end(), Some(status)))
}

/// What a script run came to.
#[derive(Debug, Default)]
pub struct Summary {
    pub commands: usize,
    pub checked: usize,
    /// `FILE:LINE: expected X, got Y: TEXT`, one per unmet expectation.
    pub failures: Vec<String>,
}

/// Runs `lines` in `session`, writing the transcript to `out`. Stops at `:quit`.
pub async fn run(
    session: &mut Session,
    file: &Path,
    lines: &[ScriptLine],
    out: &mut dyn Write,
) -> io::Result<Summary> {
    let mut summary = Summary::default();
    for line in lines {
        writeln!(out, "{}{}", session.prompt(), line.text)?;
        let outcome = session.line(&line.text, out).await?;
        writeln!(out)?;
        let got = match outcome {
            LineOutcome::Quit => break,
            LineOutcome::Bot(status) => {
                summary.commands += 1;
                Some(status)
            }
            // A demo command that worked counts as `ok`.
            LineOutcome::Meta => Some(Status::Ok),
            LineOutcome::MetaError => {
                summary.failures.push(format!(
                    "{}:{}: the demo command failed: {}",
                    file.display(),
                    line.number,
                    line.text
                ));
                None
            }
        };
        if let Some(expected) = line.expect {
            summary.checked += 1;
            if got != Some(expected) {
                let got = got.map_or("a failed demo command", status_word);
                let failure = format!(
                    "{}:{}: expected {}, got {got}: {}",
                    file.display(),
                    line.number,
                    status_word(expected),
                    line.text
                );
                writeln!(out, "!! {failure}\n")?;
                summary.failures.push(failure);
            }
        }
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_blank_lines_are_skipped() {
        let lines = parse("# intro\n\nhelp\n   # indented comment\nrooms\n").expect("parsed");
        assert_eq!(
            lines
                .iter()
                .map(|l| (l.number, l.text.as_str()))
                .collect::<Vec<_>>(),
            vec![(3, "help"), (5, "rooms")]
        );
        assert!(lines.iter().all(|l| l.expect.is_none()));
    }

    #[test]
    fn expectations_are_taken_off_the_end() {
        let lines = parse("approvals approve banana   # expect: usage\n:as bob # expect: OK")
            .expect("parsed");
        assert_eq!(lines[0].text, "approvals approve banana");
        assert_eq!(lines[0].expect, Some(Status::Usage));
        assert_eq!(lines[1].text, ":as bob");
        assert_eq!(lines[1].expect, Some(Status::Ok));
    }

    #[test]
    fn other_hashes_stay_in_the_command() {
        let lines = parse("suspend x@example.com ticket #42\nfoo#expect: ok").expect("parsed");
        assert_eq!(lines[0].text, "suspend x@example.com ticket #42");
        assert_eq!(lines[0].expect, None);
        assert_eq!(lines[1].text, "foo#expect: ok");
    }

    #[test]
    fn bad_expectations_name_the_line() {
        let err = parse("help\nrooms # expect: maybe").expect_err("refused");
        assert_eq!(err.line, 2);
        assert!(err.message.contains("maybe"), "{err}");
        assert!(
            parse("# expect: ok\n").is_ok(),
            "a comment line stays a comment"
        );
    }
}
