//! The AWS Load Balancer Controller: its service account (annotated with its IAM role) and
//! the vendor's Helm chart, pinned, told its cluster, region and VPC so that it never asks
//! the instance metadata service (which pods cannot reach through a hop limit of 1).

use std::collections::BTreeMap;

use eks_cluster::OidcIssuer;
use k8s_openapi::api::core::v1::ServiceAccount;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use platform_core::ComponentScope;
use platform_core::helm::{ChartInputs, ChartSource, InstalledChart, install_chart};
use platform_core::kubernetes::Manifest;
use pulumi_runtime::{Output, ProviderResource, ResourceOptions};
use serde::Serialize;
use serde_json::{Value, json};

use crate::controller_iam::controller_role;

/// The chart repository (the vendor's, `aws/eks-charts`).
pub const CHART_REPO: &str = "https://aws.github.io/eks-charts";
/// The chart name.
pub const CHART: &str = "aws-load-balancer-controller";
/// The chart version; its `appVersion` is [`CONTROLLER_VERSION`].
pub const CHART_VERSION: &str = "1.14.0";
/// The controller release [`CHART_VERSION`] runs, whose published IAM policy
/// [`crate::controller_iam::controller_policy`] is (a local chart must be this version too).
pub const CONTROLLER_VERSION: &str = "v2.14.0";
/// The namespace the controller runs in.
pub const NAMESPACE: &str = "kube-system";
/// The controller's service account (the subject its IAM role trusts).
pub const SERVICE_ACCOUNT: &str = "aws-load-balancer-controller";
/// The annotation IRSA reads the role from.
pub const ROLE_ANNOTATION: &str = "eks.amazonaws.com/role-arn";

/// Where the controller runs.
#[derive(Debug, Clone)]
pub struct ControllerSite {
    /// The EKS cluster's name (the controller tags what it creates with it).
    pub cluster_name: String,
    /// The AWS region.
    pub region: String,
    /// The cluster's VPC (Network's output).
    pub vpc_id: Output<String>,
    /// The cluster's OIDC issuer, for the controller's IAM role.
    pub oidc: OidcIssuer,
}

/// The chart's values: `clusterName`, `region` and `vpcId` (names of chart 1.14.0's
/// `values.yaml`) over the fixed settings.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ControllerValues {
    cluster_name: String,
    region: String,
    vpc_id: Output<String>,
    #[serde(flatten)]
    settings: Value,
}

/// Registers the controller's IAM role, service account and Helm chart; returns the chart,
/// which the Ingress depends on (the controller's webhook must be up).
pub fn install(
    scope: &ComponentScope,
    provider: &ProviderResource,
    site: &ControllerSite,
    local_chart: Option<&str>,
) -> anyhow::Result<InstalledChart> {
    let role = controller_role(scope, &site.oidc, NAMESPACE, SERVICE_ACCOUNT)?;
    let account = ServiceAccount {
        metadata: ObjectMeta {
            name: Some(SERVICE_ACCOUNT.into()),
            namespace: Some(NAMESPACE.into()),
            labels: Some(BTreeMap::from([(
                "app.kubernetes.io/name".to_owned(),
                CHART.to_owned(),
            )])),
            ..ObjectMeta::default()
        },
        ..ServiceAccount::default()
    };
    let annotations = role
        .arn
        .map(|arn| BTreeMap::from([(ROLE_ANNOTATION.to_owned(), arn)]));
    let account = scope.kubernetes(
        provider,
        &Manifest::new(account).with_output("/metadata/annotations", annotations),
    );
    let source = ChartSource::pinned(CHART_REPO, CHART, CHART_VERSION, local_chart);
    let values = ControllerValues {
        cluster_name: site.cluster_name.clone(),
        region: site.region.clone(),
        vpc_id: site.vpc_id.clone(),
        settings: json!({
            "replicaCount": 2,
            "serviceAccount": {"create": false, "name": SERVICE_ACCOUNT},
            // Leave `type: LoadBalancer` Services of other components to their own settings.
            "enableServiceMutatorWebhook": false,
            "podDisruptionBudget": {"maxUnavailable": 1},
        }),
    };
    Ok(install_chart(
        scope,
        provider,
        &ChartInputs::new(CHART, NAMESPACE, &source, values),
        ResourceOptions::new()
            .depends_on(&account)
            .depends_on(&role.attachment),
    ))
}
