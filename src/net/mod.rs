//! The network, for every client depgov has (GitHub in [`crate::github`], the sources of
//! [`crate::facts`]): [`retry`] decides what is sent again and after how long, [`throttle`]
//! paces many requests, [`http`] sends them.

pub mod http;
pub mod retry;
pub mod throttle;

/// `text` as one path segment or query value: every byte but ASCII letters, digits and `-_.~`
/// percent-encoded (so a `/` or `?` in a name cannot change the route).
pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
