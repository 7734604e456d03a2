//! Dry-run-only access for the preview identities (`viewerPrincipalArns`): they may send every
//! write a `pulumi preview` makes, and Kubernetes runs it only as a dry run.
//!
//! The kubernetes provider previews a changed object by a server-side dry run (Server-Side
//! Apply with `dryRun=All`), and Kubernetes authorises a dry run with the verb of the real
//! request (`patch`, `create`). A view-only identity is refused with `forbidden`, and the
//! provider then falls back to a client-side preview without telling (no schema validation, no
//! defaults, no admission, no field-manager conflicts: a preview that passes where the update
//! fails). So, as Kubernetes suggests for a dry-run identity:
//!
//! - the viewers' access entries put them in the Kubernetes group [`PREVIEWERS_GROUP`];
//! - the ClusterRole [`CLUSTER_ROLE`], bound to that group, reads everything and may
//!   `create`, `update` and `patch` the objects of the API groups the stack manages
//!   ([`DRY_RUN_WRITES`]; `escalate` and `bind` on RBAC, which the charts' roles need), never
//!   `delete` (a preview never deletes), `impersonate` or a `*` verb, and only reads
//!   `admissionregistration.k8s.io`, whose webhook configurations and policies no admission
//!   policy guards;
//! - the ValidatingAdmissionPolicy [`POLICY`] (failure policy `Fail`) and its binding (`Deny`)
//!   refuse every request of that group that is not a dry run ([`DRY_RUN_ONLY`]), on every
//!   resource and subresource, for `CREATE`, `UPDATE`, `DELETE` and `CONNECT` (exec, attach,
//!   port-forward and proxy through the API server).
//!
//! The policy and its binding are registered before the role's binding, and both before the
//! viewers' access entries, so the group never holds a write the policy does not guard.

use k8s_openapi::api::admissionregistration::v1::{
    MatchCondition, MatchResources, NamedRuleWithOperations, ValidatingAdmissionPolicy,
    ValidatingAdmissionPolicyBinding, ValidatingAdmissionPolicyBindingSpec,
    ValidatingAdmissionPolicySpec, Validation,
};
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, PolicyRule, RoleRef, Subject};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use platform_core::ComponentScope;
use platform_core::kubernetes::Manifest;
use pulumi_runtime::{CustomResource, ProviderResource, ResourceOptions};

/// The Kubernetes group of the preview identities' access entries. EKS refuses groups that
/// start with `system:`, `eks:`, `aws:`, `amazon:` or `iam:`.
pub const PREVIEWERS_GROUP: &str = "heartbeat:previewers";

/// The ClusterRole (and its ClusterRoleBinding) of [`PREVIEWERS_GROUP`].
pub const CLUSTER_ROLE: &str = "heartbeat-previewer";

/// The ValidatingAdmissionPolicy (and its binding) that keeps [`PREVIEWERS_GROUP`] to dry runs.
pub const POLICY: &str = "heartbeat-previewers-dry-run-only";

/// The policy's match condition (CEL): the request comes from a member of
/// [`PREVIEWERS_GROUP`]. `has` first: a request without groups is not matched, instead of
/// failing the condition, which `Fail` would turn into a refusal for everyone.
pub fn from_previewers() -> String {
    format!("has(request.userInfo.groups) && '{PREVIEWERS_GROUP}' in request.userInfo.groups")
}

/// The policy's validation: the request is a dry run.
pub const DRY_RUN_ONLY: &str = "request.dryRun == true";

/// The verbs every preview needs on every object: reading it.
pub const READ_VERBS: [&str; 3] = ["get", "list", "watch"];

/// The verbs of a dry run of the stack's objects (Server-Side Apply is a `patch`, and a
/// `create` when the object is new).
pub const DRY_RUN_VERBS: [&str; 3] = ["create", "update", "patch"];

/// The extra RBAC verbs a dry run of the charts' Roles and bindings needs: Kubernetes checks
/// a new role's permissions against the requester's (`escalate`) and a binding's role
/// (`bind`) before admission, dry run or not.
pub const RBAC_VERBS: [&str; 2] = ["escalate", "bind"];

/// The API groups the stack applies objects of, each with the resources a preview may dry-run
/// (`*`: all of the group's). The core group lists its resources, so that no write reaches
/// `pods/exec`, `nodes/proxy` or `serviceaccounts/token`; `rbac.authorization.k8s.io` is
/// [`RBAC_GROUP`]. From the objects the components register and the charts render
/// (cert-manager, Strimzi, YugabyteDB, the AWS Load Balancer Controller).
pub const DRY_RUN_WRITES: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "configmaps",
            "namespaces",
            "secrets",
            "serviceaccounts",
            "services",
        ],
    ),
    ("apps", &["*"]),
    ("batch", &["*"]),
    ("autoscaling", &["*"]),
    ("policy", &["*"]),
    ("networking.k8s.io", &["*"]),
    ("storage.k8s.io", &["*"]),
    ("apiextensions.k8s.io", &["*"]),
    ("cert-manager.io", &["*"]),
    ("kafka.strimzi.io", &["*"]),
    ("elbv2.k8s.aws", &["*"]),
];

/// The RBAC API group: dry runs with [`RBAC_VERBS`] besides [`DRY_RUN_VERBS`].
pub const RBAC_GROUP: &str = "rbac.authorization.k8s.io";

/// The group the previewers only read: its objects are exempt from admission policies, so a
/// write there would be real.
pub const ADMISSION_GROUP: &str = "admissionregistration.k8s.io";

fn strings<const N: usize>(values: [&str; N]) -> Vec<String> {
    values.map(String::from).to_vec()
}

fn named(name: &str) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.into()),
        ..ObjectMeta::default()
    }
}

/// The ClusterRole of [`PREVIEWERS_GROUP`]: read everything, dry-run writes on
/// [`DRY_RUN_WRITES`] and [`RBAC_GROUP`].
pub fn cluster_role() -> Manifest<ClusterRole> {
    let read = PolicyRule {
        api_groups: Some(vec!["*".into()]),
        resources: Some(vec!["*".into()]),
        verbs: strings(READ_VERBS),
        ..PolicyRule::default()
    };
    let writes = DRY_RUN_WRITES.iter().map(|(group, resources)| PolicyRule {
        api_groups: Some(vec![(*group).into()]),
        resources: Some(resources.iter().map(|r| (*r).into()).collect()),
        verbs: strings(DRY_RUN_VERBS),
        ..PolicyRule::default()
    });
    let rbac = PolicyRule {
        api_groups: Some(vec![RBAC_GROUP.into()]),
        resources: Some(vec!["*".into()]),
        verbs: [DRY_RUN_VERBS.as_slice(), RBAC_VERBS.as_slice()]
            .concat()
            .into_iter()
            .map(String::from)
            .collect(),
        ..PolicyRule::default()
    };
    Manifest::new(ClusterRole {
        metadata: named(CLUSTER_ROLE),
        rules: Some(std::iter::once(read).chain(writes).chain([rbac]).collect()),
        ..ClusterRole::default()
    })
}

/// Binds [`CLUSTER_ROLE`] to [`PREVIEWERS_GROUP`].
pub fn cluster_role_binding() -> Manifest<ClusterRoleBinding> {
    Manifest::new(ClusterRoleBinding {
        metadata: named(CLUSTER_ROLE),
        role_ref: RoleRef {
            api_group: RBAC_GROUP.into(),
            kind: "ClusterRole".into(),
            name: CLUSTER_ROLE.into(),
        },
        subjects: Some(vec![Subject {
            api_group: Some(RBAC_GROUP.into()),
            kind: "Group".into(),
            name: PREVIEWERS_GROUP.into(),
            namespace: None,
        }]),
    })
}

/// The resources' rule of the policy: every group, version, resource and subresource (`*/*`
/// matches both; `*` alone would leave out subresources such as `pods/exec`, and the API
/// server refuses `*/*` beside anything else).
fn every_resource(operations: &[&str]) -> NamedRuleWithOperations {
    NamedRuleWithOperations {
        api_groups: Some(vec!["*".into()]),
        api_versions: Some(vec!["*".into()]),
        operations: Some(operations.iter().map(|o| (*o).into()).collect()),
        resources: Some(vec!["*/*".into()]),
        ..NamedRuleWithOperations::default()
    }
}

/// The ValidatingAdmissionPolicy: a request of [`PREVIEWERS_GROUP`] that changes something,
/// or connects to a pod, node or service, must be a dry run. `kubectl auth can-i` and `whoami`
/// (self reviews, which change nothing) stay open.
pub fn admission_policy() -> Manifest<ValidatingAdmissionPolicy> {
    let self_review = |group: &str, resources: &[&str]| NamedRuleWithOperations {
        api_groups: Some(vec![group.into()]),
        api_versions: Some(vec!["*".into()]),
        operations: Some(vec!["CREATE".into()]),
        resources: Some(resources.iter().map(|r| (*r).into()).collect()),
        ..NamedRuleWithOperations::default()
    };
    Manifest::new(ValidatingAdmissionPolicy {
        metadata: named(POLICY),
        spec: Some(ValidatingAdmissionPolicySpec {
            failure_policy: Some("Fail".into()),
            match_constraints: Some(MatchResources {
                resource_rules: Some(vec![every_resource(&[
                    "CREATE", "UPDATE", "DELETE", "CONNECT",
                ])]),
                exclude_resource_rules: Some(vec![
                    self_review(
                        "authorization.k8s.io",
                        &["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
                    ),
                    self_review("authentication.k8s.io", &["selfsubjectreviews"]),
                ]),
                ..MatchResources::default()
            }),
            match_conditions: Some(vec![MatchCondition {
                name: "from-previewers".into(),
                expression: from_previewers(),
            }]),
            validations: Some(vec![Validation {
                expression: DRY_RUN_ONLY.into(),
                message: Some(format!(
                    "{PREVIEWERS_GROUP} may only send dry runs (pulumi preview); deploy with the stack's deploy role"
                )),
                reason: Some("Forbidden".into()),
                ..Validation::default()
            }]),
            ..ValidatingAdmissionPolicySpec::default()
        }),
        ..ValidatingAdmissionPolicy::default()
    })
}

/// Binds [`POLICY`] cluster-wide with `Deny`: a failed validation refuses the request.
pub fn admission_policy_binding() -> Manifest<ValidatingAdmissionPolicyBinding> {
    Manifest::new(ValidatingAdmissionPolicyBinding {
        metadata: named(POLICY),
        spec: Some(ValidatingAdmissionPolicyBindingSpec {
            policy_name: Some(POLICY.into()),
            validation_actions: Some(vec!["Deny".into()]),
            ..ValidatingAdmissionPolicyBindingSpec::default()
        }),
    })
}

/// Registers the policy, its binding, the ClusterRole and its binding through `provider`, in
/// that order; returns what the viewers' access entries must wait for (the policy's binding and
/// the role's binding).
pub fn register(scope: &ComponentScope, provider: &ProviderResource) -> Vec<CustomResource> {
    let policy = scope.kubernetes(provider, &admission_policy());
    let policy_binding = scope.kubernetes_with(
        provider,
        &admission_policy_binding(),
        ResourceOptions::new().depends_on(&policy),
    );
    let role = scope.kubernetes(provider, &cluster_role());
    let role_binding = scope.kubernetes_with(
        provider,
        &cluster_role_binding(),
        ResourceOptions::new()
            .depends_on(&role)
            .depends_on(&policy)
            .depends_on(&policy_binding),
    );
    vec![policy_binding, role_binding]
}
