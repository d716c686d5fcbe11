//! Connector URLs: `{serviceUrl}/v3/conversations/…` with every id percent-encoded as one
//! path segment (conversation ids carry `:`, `@`, `;` — `19:abc@thread.tacv2;messageid=1`
//! is one segment), whether or not the `serviceUrl` ends with `/`; and the throttle lane
//! of a (serviceUrl, conversation).

use url::Url;

/// `segments` appended to the path of `service_url`, each encoded like JavaScript's
/// `encodeURIComponent` (everything but `A-Z a-z 0-9 - _ . ! ~ * ' ( )` escaped), as the
/// Bot Framework SDKs do. Query and fragment are dropped.
pub(crate) fn endpoint(service_url: &Url, segments: &[&str]) -> Url {
    let mut url = service_url.clone();
    url.set_query(None);
    url.set_fragment(None);
    let mut path = url.path().trim_end_matches('/').to_owned();
    for segment in segments {
        path.push('/');
        path.push_str(&encode_segment(segment));
    }
    url.set_path(&path);
    url
}

/// Percent-encodes one path segment.
pub(crate) fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The throttle lane: the connector (origin and base path) and the conversation.
pub(crate) fn lane(service_url: &Url, conversation: &str) -> String {
    format!(
        "{}{}|{conversation}",
        service_url.origin().ascii_serialization(),
        service_url.path().trim_end_matches('/')
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn ids_stay_one_segment() {
        let u = endpoint(
            &url("https://smba.trafficmanager.net/amer/"),
            &[
                "v3",
                "conversations",
                "19:abc@thread.tacv2;messageid=1",
                "activities",
            ],
        );
        assert_eq!(
            u.as_str(),
            "https://smba.trafficmanager.net/amer/v3/conversations/\
             19%3Aabc%40thread.tacv2%3Bmessageid%3D1/activities"
        );
        assert_eq!(u.path_segments().unwrap().count(), 5);
    }

    #[test]
    fn trailing_slash_query_and_odd_characters() {
        for base in [
            "https://smba.trafficmanager.net/amer",
            "https://smba.trafficmanager.net/amer/",
            "https://smba.trafficmanager.net/amer/?x=1#f",
        ] {
            assert_eq!(
                endpoint(&url(base), &["v3", "conversations"]).as_str(),
                "https://smba.trafficmanager.net/amer/v3/conversations"
            );
        }
        assert_eq!(
            endpoint(&url("http://127.0.0.1:9/"), &["v3", "a/b?c#d%e f"]).as_str(),
            "http://127.0.0.1:9/v3/a%2Fb%3Fc%23d%25e%20f"
        );
        assert_eq!(
            endpoint(&url("http://127.0.0.1:9"), &["v3", "é"]).as_str(),
            "http://127.0.0.1:9/v3/%C3%A9"
        );
    }

    #[test]
    fn lanes_ignore_the_trailing_slash() {
        assert_eq!(
            lane(&url("https://smba.trafficmanager.net/amer/"), "a:1"),
            lane(&url("https://smba.trafficmanager.net/amer"), "a:1")
        );
        assert_ne!(
            lane(&url("https://smba.trafficmanager.net/amer/"), "a:1"),
            lane(&url("https://smba.trafficmanager.net/emea/"), "a:1")
        );
    }
}
