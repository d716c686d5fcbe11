//! Wire helpers shared by the endpoints: the two timestamp formats Virbela writes, the
//! tolerant ISO 8601 reader for `start`/`stop`, query-string access, paging numbers, and
//! field readers for JSON bodies that name the offending field in their 400.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value};

use super::errors::ApiError;
use crate::virbela::domain::DateRange;

/// `2023-07-21T17:47:36.593Z` (users, profiles, rooms, purchases, waitlist).
pub(crate) fn iso_z(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// `2023-01-19T11:55:56.140+00:00` (attendance records).
pub(crate) fn iso_offset(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, false)
}

/// Milliseconds since the epoch to an instant (out-of-range values clamp to the epoch).
pub(crate) fn from_millis(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// Reads an ISO 8601 date-time that carries an offset (`Z`, `+07:00`, `-0700`).
///
/// Tolerates a space where a `+` offset sign was sent unencoded in a query string
/// (`…T00:00:00.000 07:00`, which form decoding produces from `…+07:00`).
pub(crate) fn parse_instant(raw: &str) -> Option<DateTime<Utc>> {
    let s = raw.trim();
    if let Some(t) = parse_with_offset(s) {
        return Some(t);
    }
    // "… 07:00" / "… 0700" / "… 07": a '+' that became a space.
    for tail in [6, 5, 3] {
        let Some(cut) = s.len().checked_sub(tail) else {
            continue;
        };
        if s.as_bytes().get(cut) == Some(&b' ')
            && s[cut + 1..]
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b':')
        {
            let fixed = format!("{}+{}", &s[..cut], &s[cut + 1..]);
            if let Some(t) = parse_with_offset(&fixed) {
                return Some(t);
            }
        }
    }
    None
}

fn parse_with_offset(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f%#z", "%Y-%m-%dT%H:%M%#z"] {
        if let Ok(t) = DateTime::parse_from_str(s, format) {
            return Some(t.with_timezone(&Utc));
        }
    }
    None
}

/// The query string, form-decoded, in order. Never rejects.
pub(crate) struct QueryParams(Vec<(String, String)>);

impl QueryParams {
    pub fn parse(query: Option<&str>) -> Self {
        QueryParams(
            url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The first non-empty value of `name` (an empty `limit=` counts as absent).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// A whole number `>= min`, or `None` when absent.
    pub fn number(&self, name: &str, min: u64) -> Result<Option<usize>, ApiError> {
        let Some(raw) = self.get(name) else {
            return Ok(None);
        };
        raw.trim()
            .parse::<u64>()
            .ok()
            .filter(|n| *n >= min)
            .map(|n| Some(usize::try_from(n).unwrap_or(usize::MAX)))
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "Query parameter `{name}` must be a whole number of at least {min}; got \"{raw}\"."
                ))
            })
    }

    /// A required date-time.
    pub fn instant(&self, name: &str) -> Result<DateTime<Utc>, ApiError> {
        let raw = self.get(name).ok_or_else(|| {
            ApiError::bad_request(format!(
                "Query parameter `{name}` is required: an ISO 8601 date-time with an offset, like 2023-01-19T00:00:00.000-07:00."
            ))
        })?;
        parse_instant(raw).ok_or_else(|| {
            ApiError::bad_request(format!(
                "Query parameter `{name}` is not an ISO 8601 date-time with an offset (like 2023-01-19T00:00:00.000-07:00); got \"{raw}\"."
            ))
        })
    }

    /// The required `start`/`stop` window, `stop` not before `start`.
    pub fn window(&self) -> Result<DateRange, ApiError> {
        let start = self.instant("start")?;
        let stop = self.instant("stop")?;
        DateRange::new(start, stop).map_err(|_| {
            ApiError::bad_request(format!(
                "`stop` ({}) is before `start` ({}).",
                iso_z(stop),
                iso_z(start)
            ))
        })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for QueryParams {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(QueryParams::parse(parts.uri.query()))
    }
}

/// `offset` items skipped, then at most `limit` (no limit when `None`).
pub(crate) fn page<I: Iterator>(items: I, offset: usize, limit: Option<usize>) -> Vec<I::Item> {
    items
        .skip(offset)
        .take(limit.unwrap_or(usize::MAX))
        .collect()
}

/// The body as a JSON object.
pub(crate) fn object(body: &Value) -> Result<&Map<String, Value>, ApiError> {
    body.as_object()
        .ok_or_else(|| ApiError::bad_request("The request body must be a JSON object."))
}

/// An optional string field; `null` and blank strings count as absent, other types are a 400.
pub(crate) fn opt_str<'a>(
    obj: &'a Map<String, Value>,
    field: &str,
) -> Result<Option<&'a str>, ApiError> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim())),
        Some(other) => Err(ApiError::bad_request(format!(
            "`{field}` must be a string; got {}.",
            kind(other)
        ))),
    }
}

/// A required string field.
pub(crate) fn req_str<'a>(obj: &'a Map<String, Value>, field: &str) -> Result<&'a str, ApiError> {
    opt_str(obj, field)?.ok_or_else(|| ApiError::bad_request(format!("`{field}` is required.")))
}

/// A short name for a JSON value's type, for error details.
pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A number given as a JSON number or as a string holding one, in canonical text
/// (`12`, `"12"` → `"12"`; `"15.440"` → `"15.44"`).
pub(crate) fn numeric_text(v: &Value) -> Option<String> {
    let n = match v {
        Value::Number(n) => n.clone(),
        Value::String(s) => serde_json::from_str::<serde_json::Number>(s.trim()).ok()?,
        _ => return None,
    };
    Some(n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2023, 1, 19, h, m, 0)
            .single()
            .expect("valid")
    }

    #[test]
    fn instants_with_offsets_parse_and_a_lost_plus_is_tolerated() {
        let seven = Some(at(7, 0));
        assert_eq!(parse_instant("2023-01-19T00:00:00.000-07:00"), seven);
        assert_eq!(parse_instant("2023-01-19T07:00:00Z"), seven);
        assert_eq!(parse_instant("2023-01-19T07:00:00.000+00:00"), seven);
        assert_eq!(parse_instant("2023-01-19T14:00:00.000+07:00"), seven);
        assert_eq!(parse_instant("2023-01-19T14:00:00.000 07:00"), seven);
        assert_eq!(parse_instant("2023-01-19T14:00:00 0700"), seven);
        assert_eq!(parse_instant("2023-01-19T00:00:00-0700"), seven);
        assert_eq!(parse_instant("2023-01-19T14:00+07:00"), seven);
        for bad in [
            "",
            "yesterday",
            "2023-01-19",
            "2023-01-19T07:00:00",
            "2023-13-19T07:00:00Z",
        ] {
            assert_eq!(parse_instant(bad), None, "{bad}");
        }
    }

    #[test]
    fn formats_match_the_vendor_samples() {
        let t = Utc
            .with_ymd_and_hms(2023, 1, 19, 11, 55, 56)
            .single()
            .expect("valid")
            + chrono::Duration::milliseconds(140);
        assert_eq!(iso_offset(t), "2023-01-19T11:55:56.140+00:00");
        assert_eq!(iso_z(t), "2023-01-19T11:55:56.140Z");
    }

    #[test]
    fn query_numbers_and_blank_values() {
        let q = QueryParams::parse(Some("limit=&offset=20&skip=-1&x=abc"));
        assert_eq!(q.number("limit", 1), Ok(None));
        assert_eq!(q.number("offset", 0), Ok(Some(20)));
        assert!(q.number("skip", 0).is_err());
        assert!(q.number("x", 0).is_err());
        assert!(
            QueryParams::parse(Some("limit=0"))
                .number("limit", 1)
                .is_err()
        );
    }

    #[test]
    fn numbers_as_strings_are_canonicalised() {
        assert_eq!(numeric_text(&serde_json::json!(12)), Some("12".into()));
        assert_eq!(numeric_text(&serde_json::json!("12")), Some("12".into()));
        assert_eq!(
            numeric_text(&serde_json::json!(" 3.5 ")),
            Some("3.5".into())
        );
        assert_eq!(numeric_text(&serde_json::json!("twelve")), None);
    }
}
