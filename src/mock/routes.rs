//! The mock's endpoints, as the spec excerpt describes them: listings with pagination and
//! filters, the DELETEs with their state changes, `GET /models` for liveness, and the auth
//! checks.
//!
//! Stage: test aid. Reads and changes the [`Org`]; knows nothing of sockets.

use super::http::{Request, Response};
use super::org::{MockKey, MockOwner, MockProject, MockServiceAccount, Org};
use serde_json::{json, Value};

/// The base path every endpoint lives under.
pub const BASE_PATH: &str = "/v1";

/// `{"error":{…}}` with the spec's fields.
pub fn error(status: u16, message: &str, kind: &str, code: Option<&str>) -> Response {
    Response::json(
        status,
        &json!({"error": {"message": message, "type": kind, "param": null, "code": code}}),
    )
}

/// Answers `req` from `org`.
pub fn route(org: &mut Org, req: &Request) -> Response {
    let Some(path) = req.path.strip_prefix(BASE_PATH) else {
        return not_found();
    };
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    if req.method == "GET" && parts == ["models"] {
        return models(org, req);
    }
    if let Some(denied) = check_admin(org, req) {
        return denied;
    }
    let decoded: Vec<String> = parts.iter().map(|p| super::http::decode(p)).collect();
    let p: Vec<&str> = decoded.iter().map(String::as_str).collect();
    match (req.method.as_str(), p.as_slice()) {
        ("GET", ["organization", "projects"]) => list_projects(org, req),
        ("GET", ["organization", "projects", id, "api_keys"]) => {
            with_project(org, id, |p| list_project_keys(p, org_redaction(org), req))
        }
        ("GET", ["organization", "projects", id, "api_keys", key]) => {
            let redaction = org_redaction(org);
            with_project(org, id, |p| match p.keys.iter().find(|k| k.id == *key) {
                Some(k) => Response::json(200, &project_key_json(k, redaction)),
                None => not_found(),
            })
        }
        ("DELETE", ["organization", "projects", id, "api_keys", key]) => {
            delete_project_key(org, id, key)
        }
        ("GET", ["organization", "projects", id, "service_accounts"]) => {
            with_project(org, id, |p| list_service_accounts(p, req))
        }
        ("GET", ["organization", "projects", id, "service_accounts", sa]) => {
            with_project(org, id, |p| {
                match p.service_accounts.iter().find(|a| a.id == *sa) {
                    Some(a) => Response::json(200, &service_account_json(a)),
                    None => not_found(),
                }
            })
        }
        ("DELETE", ["organization", "projects", id, "service_accounts", sa]) => {
            delete_service_account(org, id, sa)
        }
        ("GET", ["organization", "admin_api_keys"]) => list_admin_keys(org, req),
        ("GET", ["organization", "admin_api_keys", key]) => {
            match org.admin_keys.iter().find(|k| k.id == *key) {
                Some(k) => Response::json(200, &admin_key_json(k, org.redaction)),
                None => not_found(),
            }
        }
        ("DELETE", ["organization", "admin_api_keys", key]) => delete_admin_key(org, key),
        _ => not_found(),
    }
}

fn not_found() -> Response {
    error(404, "Not found.", "invalid_request_error", None)
}

fn org_redaction(org: &Org) -> super::org::Redaction {
    org.redaction
}

fn with_project(org: &Org, id: &str, f: impl FnOnce(&MockProject) -> Response) -> Response {
    match org.projects.iter().find(|p| p.id == id) {
        Some(p) => f(p),
        None => error(
            404,
            &format!("No such project: {id}"),
            "invalid_request_error",
            None,
        ),
    }
}

/// 401 unless `Authorization: Bearer <admin key>`; 401 `mismatched_organization` when an
/// `OpenAI-Organization` header names another organization.
fn check_admin(org: &Org, req: &Request) -> Option<Response> {
    let expected = format!("Bearer {}", org.admin_key.expose());
    if org.admin_key_revoked || req.header("authorization") != Some(expected.as_str()) {
        return Some(error(
            401,
            "Incorrect API key provided. You can find your API key at \
             https://platform.openai.com/account/api-keys.",
            "invalid_request_error",
            Some("invalid_api_key"),
        ));
    }
    if let Some(asked) = req.header("openai-organization") {
        if org.organization_id.as_deref() != Some(asked) {
            return Some(error(
                401,
                "OpenAI-Organization header should match organization for API key",
                "invalid_request_error",
                Some("mismatched_organization"),
            ));
        }
    }
    None
}

/// `GET /models` with a found key: 200 for a known key, 401 `invalid_api_key` for an
/// unknown or deleted one, 401 `mismatched_project` when `OpenAI-Project` names another
/// project, 429 `insufficient_quota` for a key out of credit.
fn models(org: &Org, req: &Request) -> Response {
    let value = req
        .header("authorization")
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    let Some((project, key)) = org.find_value(value) else {
        return error(
            401,
            "Incorrect API key provided.",
            "invalid_request_error",
            Some("invalid_api_key"),
        );
    };
    if let Some(asked) = req.header("openai-project") {
        if project.map(|p| p.id.as_str()) != Some(asked) {
            return error(
                401,
                "OpenAI-Project header should match project for API key",
                "invalid_request_error",
                Some("mismatched_project"),
            );
        }
    }
    if key.out_of_quota {
        return error(
            429,
            "You exceeded your current quota.",
            "insufficient_quota",
            Some("insufficient_quota"),
        );
    }
    Response::json(
        200,
        &json!({"object": "list", "data": [
            {"id": "gpt-4o-mini", "object": "model", "created": 1_721_172_741, "owned_by": "system"}
        ]}),
    )
}

/// One page of a list per `limit` and `after`: `ids` in listing order, `render(i)` the
/// object of item `i` (only the page's items are rendered).
fn page(
    ids: &[&str],
    render: impl Fn(usize) -> Value,
    req: &Request,
    max_limit: Option<usize>,
) -> Response {
    let invalid = |what: &str| {
        error(
            400,
            &format!("Invalid {what}."),
            "invalid_request_error",
            Some("invalid_value"),
        )
    };
    let limit = match req.param("limit") {
        None => 20,
        Some(v) => match v.parse::<usize>() {
            Ok(n) if n >= 1 && max_limit.is_none_or(|m| n <= m) => n,
            _ => return invalid("limit"),
        },
    };
    let start = match req.param("after") {
        None => 0,
        Some(after) => match ids.iter().position(|id| *id == after) {
            Some(i) => i + 1,
            None => return invalid("after cursor"),
        },
    };
    let end = (start + limit).min(ids.len());
    let start = start.min(end);
    Response::json(
        200,
        &json!({
            "object": "list",
            "data": (start..end).map(&render).collect::<Vec<_>>(),
            "first_id": (start < end).then(|| ids[start]),
            "last_id": (start < end).then(|| ids[end - 1]),
            "has_more": end < ids.len(),
        }),
    )
}

fn list_projects(org: &Org, req: &Request) -> Response {
    let archived = req.param("include_archived").as_deref() == Some("true");
    let shown: Vec<&MockProject> = org
        .projects
        .iter()
        .filter(|p| archived || p.archived_at.is_none())
        .collect();
    let ids: Vec<&str> = shown.iter().map(|p| p.id.as_str()).collect();
    let render = |i: usize| {
        let p = shown[i];
        json!({
            "id": p.id, "object": "organization.project", "name": p.name,
            "created_at": p.created_at, "archived_at": p.archived_at,
            "status": if p.archived_at.is_some() { "archived" } else { "active" },
        })
    };
    page(&ids, render, req, Some(100))
}

fn owner_json(owner: &MockOwner, created_at: i64) -> Value {
    match owner {
        MockOwner::User { id, name, email } => json!({
            "type": "user",
            "user": {"id": id, "name": name, "email": email, "role": "member", "created_at": created_at},
        }),
        MockOwner::ServiceAccount { id, name } => json!({
            "type": "service_account",
            "service_account": {"id": id, "name": name, "role": "member", "created_at": created_at},
        }),
    }
}

fn project_key_json(k: &MockKey, redaction: super::org::Redaction) -> Value {
    json!({
        "object": "organization.project.api_key",
        "redacted_value": redaction.apply(k.value.expose()),
        "name": k.name,
        "created_at": k.created_at,
        "last_used_at": k.last_used_at,
        "id": k.id,
        "owner_project_access": if k.owner_has_access { "active" } else { "inactive" },
        "owner": owner_json(&k.owner, k.created_at),
    })
}

fn list_project_keys(
    project: &MockProject,
    redaction: super::org::Redaction,
    req: &Request,
) -> Response {
    let access = req.param("owner_project_access");
    let wanted = |k: &MockKey| match access.as_deref() {
        None | Some("active") => k.owner_has_access,
        Some("inactive") => !k.owner_has_access,
        _ => true,
    };
    if let Some(a) = access.as_deref() {
        if !matches!(a, "active" | "inactive" | "any") {
            return error(
                400,
                "Invalid owner_project_access.",
                "invalid_request_error",
                Some("invalid_value"),
            );
        }
    }
    let shown: Vec<&MockKey> = project.keys.iter().filter(|k| wanted(k)).collect();
    let ids: Vec<&str> = shown.iter().map(|k| k.id.as_str()).collect();
    page(
        &ids,
        |i| project_key_json(shown[i], redaction),
        req,
        Some(100),
    )
}

fn list_service_accounts(project: &MockProject, req: &Request) -> Response {
    if project.archived_at.is_some() {
        return error(400, "Project is archived.", "invalid_request_error", None);
    }
    let accounts = &project.service_accounts;
    let ids: Vec<&str> = accounts.iter().map(|a| a.id.as_str()).collect();
    page(&ids, |i| service_account_json(&accounts[i]), req, Some(100))
}

fn service_account_json(a: &MockServiceAccount) -> Value {
    json!({"object": "organization.project.service_account", "id": a.id,
           "name": a.name, "role": "member", "created_at": a.created_at})
}

fn list_admin_keys(org: &Org, req: &Request) -> Response {
    let extra = org.admin_listing_includes.as_ref().and_then(|id| {
        org.projects
            .iter()
            .flat_map(|p| &p.keys)
            .find(|k| &k.id == id)
    });
    let mut ids: Vec<&str> = org.admin_keys.iter().map(|k| k.id.as_str()).collect();
    ids.extend(extra.map(|k| k.id.as_str()));
    let render = |i: usize| match org.admin_keys.get(i) {
        Some(k) => admin_key_json(k, org.redaction),
        // Past the admin keys: the project key the listing also returns.
        None => extra.map_or(Value::Null, |k| project_key_json(k, org.redaction)),
    };
    page(&ids, render, req, None)
}

fn admin_key_json(k: &MockKey, redaction: super::org::Redaction) -> Value {
    let (id, name) = match &k.owner {
        MockOwner::User { id, name, .. } | MockOwner::ServiceAccount { id, name } => (id, name),
    };
    json!({
        "object": "organization.admin_api_key", "id": k.id, "name": k.name,
        "redacted_value": redaction.apply(k.value.expose()),
        "created_at": k.created_at, "expires_at": k.expires_at,
        "last_used_at": k.last_used_at,
        "owner": {"type": "user", "object": "organization.user", "id": id,
                  "name": name, "created_at": k.created_at, "role": "owner"},
    })
}

fn deleted(object: &str, id: &str) -> Response {
    Response::json(200, &json!({"object": object, "id": id, "deleted": true}))
}

fn delete_project_key(org: &mut Org, project_id: &str, key_id: &str) -> Response {
    let Some(project) = org.projects.iter_mut().find(|p| p.id == project_id) else {
        return not_found();
    };
    let Some(at) = project.keys.iter().position(|k| k.id == key_id) else {
        return not_found();
    };
    if matches!(project.keys[at].owner, MockOwner::ServiceAccount { .. }) {
        return error(
            400,
            "API keys owned by service accounts cannot be deleted; delete the service account.",
            "invalid_request_error",
            None,
        );
    }
    project.keys.remove(at);
    deleted("organization.project.api_key.deleted", key_id)
}

fn delete_service_account(org: &mut Org, project_id: &str, sa_id: &str) -> Response {
    let Some(project) = org.projects.iter_mut().find(|p| p.id == project_id) else {
        return not_found();
    };
    if project.archived_at.is_some() {
        return error(400, "Project is archived.", "invalid_request_error", None);
    }
    let Some(at) = project.service_accounts.iter().position(|a| a.id == sa_id) else {
        return not_found();
    };
    project.service_accounts.remove(at);
    project
        .keys
        .retain(|k| !matches!(&k.owner, MockOwner::ServiceAccount { id, .. } if id == sa_id));
    deleted("organization.project.service_account.deleted", sa_id)
}

fn delete_admin_key(org: &mut Org, key_id: &str) -> Response {
    let Some(at) = org.admin_keys.iter().position(|k| k.id == key_id) else {
        return not_found();
    };
    let gone = org.admin_keys.remove(at);
    // The key this request was made with stops working, as a deleted key does.
    if gone.value == org.admin_key {
        org.admin_key_revoked = true;
    }
    deleted("organization.admin_api_key.deleted", key_id)
}
