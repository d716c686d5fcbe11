//! Which `serviceUrl`s may receive the bot's app token: HTTPS to a Microsoft Bot Framework
//! connector host, or a host the operator added (`extra_hosts`, e.g. a local fake), which
//! may then also be plain HTTP. A forged activity naming another `serviceUrl` must never
//! make the bot hand its token to that server.

use url::Url;

/// Hosts allowed exactly.
const EXACT: &[&str] = &["smba.trafficmanager.net"];

/// Hosts allowed with any sub-domain (the suffix starts at a label boundary).
const SUFFIXES: &[&str] = &[
    // Bot Framework channels and the global connector
    ".botframework.com",
    // Teams connector hosts, e.g. smba.infra.gcc.teams.microsoft.com (GCC)
    ".teams.microsoft.com",
    // US government clouds: smba.infra.gov.teams.microsoft.us, smba.infra.dod.teams.microsoft.us
    ".teams.microsoft.us",
];

/// The allow-list: Microsoft's connector hosts plus the configured extra hosts.
#[derive(Debug, Clone, Default)]
pub(crate) struct HostPolicy {
    extra: Vec<String>,
}

impl HostPolicy {
    pub(crate) fn new(extra_hosts: &[String]) -> HostPolicy {
        HostPolicy {
            extra: extra_hosts
                .iter()
                .map(|h| normalize(h))
                .filter(|h| !h.is_empty())
                .collect(),
        }
    }

    pub(crate) fn allows(&self, url: &Url) -> bool {
        if !url.username().is_empty() || url.password().is_some() {
            return false;
        }
        let Some(host) = url.host_str() else {
            return false;
        };
        let host = normalize(host);
        let scheme = url.scheme();
        if self.extra.contains(&host) {
            return scheme == "https" || scheme == "http";
        }
        scheme == "https"
            && (EXACT.contains(&host.as_str())
                || SUFFIXES
                    .iter()
                    .any(|s| host.len() > s.len() && host.ends_with(s)))
    }
}

/// Lower case, IPv6 brackets removed.
fn normalize(host: &str) -> String {
    host.trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase()
}

/// The host to name in an error (the whole URL when it has none).
pub(crate) fn describe(url: &Url) -> String {
    url.host_str()
        .map_or_else(|| url.as_str().to_owned(), str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(policy: &HostPolicy, url: &str) -> bool {
        policy.allows(&Url::parse(url).unwrap())
    }

    #[test]
    fn microsoft_connector_hosts_over_https_are_allowed() {
        let policy = HostPolicy::new(&[]);
        for url in [
            "https://smba.trafficmanager.net/amer/",
            "https://smba.trafficmanager.net/emea",
            "https://SMBA.TrafficManager.net/teams/",
            "https://smba.infra.gcc.teams.microsoft.com/gcc",
            "https://smba.infra.gov.teams.microsoft.us/",
            "https://europe.webchat.botframework.com/",
            "https://api.botframework.com",
            "https://smba.trafficmanager.net:443/apac/",
        ] {
            assert!(allowed(&policy, url), "{url}");
        }
    }

    #[test]
    fn other_hosts_plain_http_and_look_alikes_are_refused() {
        let policy = HostPolicy::new(&[]);
        for url in [
            "http://smba.trafficmanager.net/amer/",
            "https://evil.example.com/",
            "https://smba.trafficmanager.net.evil.com/",
            "https://evilbotframework.com/",
            "https://botframework.com.evil.net/",
            "https://teams.microsoft.com.attacker.io/",
            "https://botframework.com/",
            "https://user:pw@smba.trafficmanager.net/",
            "http://127.0.0.1:3978/",
            "file:///etc/passwd",
            "https://smba.trafficmanager.net./amer/",
        ] {
            assert!(!allowed(&policy, url), "{url}");
        }
    }

    #[test]
    fn extra_hosts_are_allowed_over_http_too() {
        let policy = HostPolicy::new(&["127.0.0.1".into(), " Fake.Local ".into(), "[::1]".into()]);
        assert!(allowed(&policy, "http://127.0.0.1:4000/"));
        assert!(allowed(&policy, "https://fake.local/x/"));
        assert!(allowed(&policy, "http://[::1]:8080/"));
        assert!(!allowed(&policy, "http://127.0.0.2:4000/"));
        assert!(!allowed(&policy, "ftp://127.0.0.1/"));
        assert!(!allowed(&policy, "http://sub.fake.local/"));
    }

    #[test]
    fn describe_names_the_host() {
        assert_eq!(
            describe(&Url::parse("https://evil.example.com/a?b").unwrap()),
            "evil.example.com"
        );
        assert_eq!(
            describe(&Url::parse("data:text/plain,x").unwrap()),
            "data:text/plain,x"
        );
    }
}
