//! Numbers that Virbela sends as JSON strings (`"373.17"`, `"secondsInLine": "12"`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A numeric field that decodes from a JSON number or from a string holding one.
///
/// The vendor's own samples put placeholder text in such fields (`"secondsInLine":
/// "string"`); rather than failing a whole page over one odd record, such text is kept
/// as [`Lenient::Text`] and reads as "no value" through [`Lenient::value`].
#[derive(Debug, Clone, PartialEq)]
pub enum Lenient<T> {
    Value(T),
    Text(String),
}

impl<T: Copy> Lenient<T> {
    /// The number, if the field held one.
    pub fn value(&self) -> Option<T> {
        match self {
            Lenient::Value(v) => Some(*v),
            Lenient::Text(_) => None,
        }
    }
}

impl<T: Copy + Default> Lenient<T> {
    /// The number, or zero when the field held something else.
    pub fn or_zero(&self) -> T {
        self.value().unwrap_or_default()
    }
}

impl<T> From<T> for Lenient<T> {
    fn from(v: T) -> Self {
        Lenient::Value(v)
    }
}

impl<T: fmt::Display> fmt::Display for Lenient<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Lenient::Value(v) => v.fmt(f),
            Lenient::Text(t) => f.write_str(t),
        }
    }
}

impl<T: fmt::Display> Serialize for Lenient<T> {
    /// Written back in the vendor's form: a string.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A number type `Lenient` can hold; floats must be finite (`"NaN"` and `"inf"` parse
/// as floats in Rust, but are not numbers Virbela means).
pub trait LenientNumber: FromStr {
    fn is_finite_number(&self) -> bool {
        true
    }
}

impl LenientNumber for f64 {
    fn is_finite_number(&self) -> bool {
        self.is_finite()
    }
}

impl LenientNumber for u64 {}
impl LenientNumber for i64 {}
impl LenientNumber for u32 {}

impl<'de, T> Deserialize<'de> for Lenient<T>
where
    T: LenientNumber + Deserialize<'de>,
{
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire<T> {
            Number(T),
            Float(f64),
            Text(String),
        }
        Ok(match Wire::<T>::deserialize(d)? {
            Wire::Number(n) => Lenient::Value(n),
            // e.g. `3.0` for an integer field
            Wire::Float(f) => match f.to_string().parse() {
                Ok(v) => Lenient::Value(v),
                Err(_) => Lenient::Text(f.to_string()),
            },
            Wire::Text(t) => match t.trim().parse::<T>() {
                Ok(v) if v.is_finite_number() => Lenient::Value(v),
                _ => Lenient::Text(t),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_decode_from_strings_and_from_numbers() {
        let from_text: Lenient<f64> = serde_json::from_str("\"373.17\"").expect("text");
        let from_number: Lenient<f64> = serde_json::from_str("373.17").expect("number");
        assert_eq!(from_text.value(), Some(373.17));
        assert_eq!(from_number.value(), Some(373.17));
        let int_text: Lenient<u64> = serde_json::from_str("\"12\"").expect("int text");
        let int_number: Lenient<u64> = serde_json::from_str("12").expect("int number");
        let int_float: Lenient<u64> = serde_json::from_str("12.0").expect("int float");
        assert_eq!(int_text.value(), Some(12));
        assert_eq!(int_number.value(), Some(12));
        assert_eq!(int_float.value(), Some(12));
    }

    #[test]
    fn placeholder_text_is_kept_but_has_no_value() {
        let odd: Lenient<u64> = serde_json::from_str("\"string\"").expect("kept");
        assert_eq!(odd, Lenient::Text("string".into()));
        assert_eq!(odd.value(), None);
        assert_eq!(odd.or_zero(), 0);
        assert_eq!(serde_json::to_string(&odd).expect("ser"), "\"string\"");
        for not_a_number in ["\"NaN\"", "\"inf\"", "\"-infinity\""] {
            let v: Lenient<f64> = serde_json::from_str(not_a_number).expect("kept");
            assert_eq!(v.value(), None, "{not_a_number}");
        }
    }
}
