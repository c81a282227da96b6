use super::*;
use crate::fake::{FakeKeys, Family};

fn reply(kind: &str, code: &str) -> Reply {
    Reply {
        status: 401,
        body: serde_json::to_vec(&serde_json::json!({
            "error": {"message": "m", "type": kind, "code": code}
        }))
        .unwrap(),
        request_id: None,
    }
}

#[test]
fn error_fields_keep_api_codes_and_drop_anything_that_could_be_a_key() {
    assert_eq!(
        reply("invalid_request_error", "invalid_api_key").error_fields(),
        (
            Some("invalid_request_error".into()),
            Some("invalid_api_key".into())
        )
    );
    let mut gen = FakeKeys::new(3);
    for family in [Family::Legacy, Family::UnownedShort, Family::Admin] {
        let key = gen.key(family);
        let (kind, code) = reply(&key, &format!("bad {key}")).error_fields();
        assert_eq!((kind, code), (None, None));
    }
}
