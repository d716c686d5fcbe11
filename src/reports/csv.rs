//! CSV files for spreadsheets: RFC 4180 (CRLF line ends; a field holding a comma, a
//! quote, CR or LF is quoted, quotes doubled) and defused against formula injection
//! (CWE-1236): a field starting with `=`, `+`, `-`, `@`, a tab or a CR gets a leading
//! apostrophe, so a spreadsheet shows `'=HYPERLINK(…)` as text instead of running it.
//! Names and e-mails come from Virbela's user directory, which anyone invited can fill.
//!
//! Numbers written by the reports are never negative, so no number is ever altered.

use std::borrow::Cow;

/// A CSV file being written, row by row, into memory.
#[derive(Debug, Clone, Default)]
pub struct CsvWriter {
    out: String,
    columns: usize,
}

impl CsvWriter {
    /// A file whose first row is `header`.
    pub fn with_header<I, S>(header: I) -> CsvWriter
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut w = CsvWriter::default();
        w.columns = w.row(header);
        w
    }

    /// A file with room reserved for about `bytes` bytes.
    pub fn reserve(&mut self, bytes: usize) {
        self.out.reserve(bytes);
    }

    /// Appends one row; answers how many fields it had.
    pub fn row<I, S>(&mut self, fields: I) -> usize
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut n = 0;
        for field in fields {
            if n > 0 {
                self.out.push(',');
            }
            self.out.push_str(&cell(field.as_ref()));
            n += 1;
        }
        self.out.push_str("\r\n");
        n
    }

    /// The number of fields of the header row.
    pub fn columns(&self) -> usize {
        self.columns
    }

    pub fn into_string(self) -> String {
        self.out
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.out.into_bytes()
    }
}

/// Characters that make a spreadsheet read a cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// One field, defused and quoted as needed.
pub fn cell(text: &str) -> Cow<'_, str> {
    let defused: Cow<'_, str> = if text.starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    };
    if defused.contains([',', '"', '\r', '\n']) {
        Cow::Owned(format!("\"{}\"", defused.replace('"', "\"\"")))
    } else {
        defused
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_fields_are_left_alone() {
        assert_eq!(cell("Ana Lopez"), "Ana Lopez");
        assert_eq!(
            cell("2026-11-17T15:05:00+01:00"),
            "2026-11-17T15:05:00+01:00"
        );
        assert_eq!(cell("12.50"), "12.50");
        assert_eq!(cell(""), "");
        assert!(matches!(cell("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn separators_quotes_and_line_breaks_are_quoted() {
        assert_eq!(cell("Lopez, Ana"), "\"Lopez, Ana\"");
        assert_eq!(cell("Ana \"the boss\""), "\"Ana \"\"the boss\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(cell("cr\rhere"), "\"cr\rhere\"");
    }

    #[test]
    fn formulas_are_defused() {
        assert_eq!(cell("=1+1"), "'=1+1");
        assert_eq!(cell("+49 170"), "'+49 170");
        assert_eq!(cell("-2"), "'-2");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\tx"), "'\tx");
        // Defused and quoted.
        assert_eq!(
            cell("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""
        );
        // Only the first character matters.
        assert_eq!(cell("a=b"), "a=b");
    }

    #[test]
    fn rows_end_with_crlf() {
        let mut w = CsvWriter::with_header(["id", "name"]);
        assert_eq!(w.columns(), 2);
        w.row(["u1", "Lopez, Ana"]);
        w.row(["u2", "=cmd"]);
        assert_eq!(
            w.into_string(),
            "id,name\r\nu1,\"Lopez, Ana\"\r\nu2,'=cmd\r\n"
        );
    }
}
