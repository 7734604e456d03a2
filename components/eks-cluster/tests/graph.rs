//! The EksCluster component's resource graph, on a Network, registered against the mock
//! engine for a dev-sized and a prod-sized configuration.

use mock_engine::query::{of_type, one};
use std::collections::BTreeSet;

use eks_cluster::{
    EksCluster, EksClusterArgs, EksConfig, NodePoolConfig, ServiceAccountRole, SupportType,
    TaintConfig, TaintEffect,
};
use mock_engine::{MockEngine, Mode, Registration};
use network::{Network, NetworkArgs, NetworkConfig};
use pulumi_runtime::{Output, ResourceOptions};
use serde_json::{Value, json};

const REGION: &str = "eu-west-1";
const CLUSTER: &str = "heartbeat-test";
const ISSUER: &str = "https://oidc.eks.eu-west-1.amazonaws.com/id/eks-cluster";
const ENDPOINT: &str = "https://eks-cluster.gr7.eu-west-1.eks.amazonaws.com";
const ADMIN: &str = "arn:aws:iam::123456789012:role/platform-admin";
const VIEWER: &str = "arn:aws:iam::123456789012:role/heartbeat-preview";

struct Stack {
    network: NetworkConfig,
    eks: EksConfig,
    render_directory: Option<String>,
    /// The API access ranges the network is built with, when not `eks.apiAccessCidrs`.
    network_api_ranges: Option<Vec<ipnet::Ipv4Net>>,
}

fn dev() -> Stack {
    Stack {
        network: NetworkConfig {
            cidr: "10.10.0.0/16".parse().unwrap(),
            zones: vec!["eu-west-1a".into(), "eu-west-1b".into()],
            ..NetworkConfig::default()
        },
        eks: EksConfig {
            public_endpoint: true,
            public_access_cidrs: vec!["203.0.113.0/24".parse().unwrap()],
            admin_principal_arns: vec![ADMIN.into()],
            ..EksConfig::default()
        },
        render_directory: None,
        network_api_ranges: None,
    }
}

fn prod() -> Stack {
    Stack {
        network: NetworkConfig {
            cidr: "10.20.0.0/16".parse().unwrap(),
            zones: vec![
                "eu-west-1a".into(),
                "eu-west-1b".into(),
                "eu-west-1c".into(),
            ],
            nat_gateway_per_zone: true,
            ..NetworkConfig::default()
        },
        eks: EksConfig {
            admin_principal_arns: vec![ADMIN.into()],
            viewer_principal_arns: vec![VIEWER.into()],
            api_access_cidrs: vec!["192.168.0.0/20".parse().unwrap()],
            upgrade_support_type: SupportType::Extended,
            stateful_nodes: NodePoolConfig {
                instance_types: vec!["r6i.2xlarge".into()],
                min: 3,
                desired: 3,
                max: 6,
                disk_gib: 100,
                taints: vec![TaintConfig {
                    key: "heartbeat.io/stateful".into(),
                    value: Some("true".into()),
                    effect: TaintEffect::NoSchedule,
                }],
                ..NodePoolConfig::default()
            },
            ..EksConfig::default()
        },
        render_directory: None,
        network_api_ranges: None,
    }
}

/// Answers the provider-computed outputs the components read.
fn fakes(engine: &MockEngine) {
    engine.fake_computed(
        eks_cluster::computed_outputs::READ,
        eks_cluster::computed_outputs::example,
    );
    engine.fake_computed(
        network::computed_outputs::READ,
        network::computed_outputs::example,
    );
}

/// Runs Network then EksCluster against a fresh mock.
async fn synth(stack: Stack, mode: Mode) -> (Vec<Registration>, anyhow::Result<()>) {
    let engine = MockEngine::start(mode).await.unwrap();
    fakes(&engine);
    let settings = engine.settings("heartbeat-platform", "test", &[]);
    let result = pulumi_runtime::run(settings, move |ctx| async move {
        let network_args = NetworkArgs {
            config: &stack.network,
            region: REGION,
            cluster_name: CLUSTER,
            api_access_ranges: stack
                .network_api_ranges
                .as_deref()
                .unwrap_or(&stack.eks.api_access_cidrs),
        };
        let network = Network::new(&ctx, "network", &network_args, ResourceOptions::new())?;
        let args = EksClusterArgs {
            config: &stack.eks,
            network: &network,
            render_directory: stack.render_directory.as_deref(),
        };
        Ok(EksCluster::new(&ctx, "eks", &args, ResourceOptions::new())?)
    })
    .await;
    (engine.registrations(), result)
}

async fn graph(stack: Stack) -> Vec<Registration> {
    let (registrations, result) = synth(stack, Mode::Update).await;
    result.unwrap();
    registrations
}

fn named<'a>(regs: &'a [Registration], name: &str) -> &'a Registration {
    regs.iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no resource named {name}"))
}

fn strings(value: Option<Value>) -> BTreeSet<String> {
    value
        .unwrap_or_default()
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

fn subnet_ids(regs: &[Registration], tier: &str) -> BTreeSet<String> {
    of_type(regs, "aws:ec2/subnet:Subnet")
        .into_iter()
        .filter(|s| s.name.contains(&format!("-{tier}-")))
        .map(|s| s.id.clone())
        .collect()
}

#[tokio::test]
async fn node_groups_run_in_the_private_subnets_only() {
    for stack in [dev(), prod()] {
        let zones = stack.network.zones.len();
        let regs = graph(stack).await;
        let private = subnet_ids(&regs, "private");
        let public = subnet_ids(&regs, "public");
        assert_eq!(private.len() + public.len(), 2 * zones);
        let groups = of_type(&regs, "aws:eks/nodeGroup:NodeGroup");
        assert_eq!(groups.len(), 2);
        for group in groups {
            let subnets = strings(group.input("subnetIds"));
            assert_eq!(
                subnets, private,
                "{} must span every private subnet",
                group.name
            );
            assert!(
                subnets.is_disjoint(&public),
                "{} in a public subnet",
                group.name
            );
            assert_eq!(group.ignore_changes, ["scalingConfig.desiredSize"]);
        }
        // The control plane's interfaces go to the private subnets only (load balancers find
        // the public ones by their tags).
        let cluster = one(&regs, "aws:eks/cluster:Cluster");
        let cluster_subnets = strings(cluster.input("vpcConfig/subnetIds"));
        assert_eq!(cluster_subnets, private);
    }
}

#[tokio::test]
async fn node_groups_follow_their_pool_config() {
    let regs = graph(prod()).await;
    let stateful = named(&regs, "eks-stateful-nodes");
    assert_eq!(
        stateful.input("scalingConfig"),
        Some(json!({"minSize": 3, "desiredSize": 3, "maxSize": 6}))
    );
    assert_eq!(
        stateful.input("instanceTypes"),
        Some(json!(["r6i.2xlarge"]))
    );
    assert!(
        stateful.input("diskSize").is_none(),
        "EKS refuses diskSize with a launch template"
    );
    assert_eq!(
        stateful.input("amiType"),
        Some(json!("AL2023_x86_64_STANDARD"))
    );
    assert_eq!(stateful.input("version"), Some(json!("1.33")));
    assert_eq!(
        stateful.input("taints"),
        Some(json!([{"key": "heartbeat.io/stateful", "value": "true", "effect": "NO_SCHEDULE"}]))
    );
    assert_eq!(
        stateful.input("labels"),
        Some(json!({"heartbeat.io/node-pool": "stateful"}))
    );
    let system = named(&regs, "eks-system-nodes");
    assert!(system.input("taints").is_none());
    assert_eq!(stateful.input_str("clusterName").as_deref(), Some(CLUSTER));
}

#[tokio::test]
async fn secrets_are_encrypted_with_a_rotating_key_and_control_plane_logs_expire() {
    for stack in [dev(), prod()] {
        let regs = graph(stack).await;
        let key = named(&regs, "eks-secrets-key");
        assert_eq!(key.input("enableKeyRotation"), Some(json!(true)));
        let cluster = one(&regs, "aws:eks/cluster:Cluster");
        assert_eq!(
            cluster.input("encryptionConfig/resources"),
            Some(json!(["secrets"]))
        );
        assert_eq!(
            cluster.input_str("encryptionConfig/provider/keyArn"),
            Some(format!("arn:aws:kms::123456789012:key/{}", key.name))
        );
        assert!(cluster.dependencies.contains(&key.urn));
        // The control plane's role may use the key, and only it.
        let policy = named(&regs, "eks-cluster-role-secrets-key");
        let document: Value = serde_json::from_str(&policy.input_str("policy").unwrap()).unwrap();
        assert_eq!(
            document["Statement"][0]["Resource"],
            json!(format!("arn:aws:kms::123456789012:key/{}", key.name))
        );
        let logs = one(&regs, "aws:cloudwatch/logGroup:LogGroup");
        assert_eq!(
            logs.input_str("name"),
            Some(format!("/aws/eks/{CLUSTER}/cluster"))
        );
        assert_eq!(logs.input("retentionInDays"), Some(json!(90)));
        assert!(
            cluster.dependencies.contains(&logs.urn),
            "the log group comes first"
        );
        assert_eq!(
            cluster.input("enabledClusterLogTypes"),
            Some(json!([
                "api",
                "audit",
                "authenticator",
                "controllerManager",
                "scheduler"
            ]))
        );
    }
}

#[tokio::test]
async fn the_api_endpoint_is_private_in_prod_and_allow_listed_when_public() {
    let regs = graph(prod()).await;
    let vpc_config = one(&regs, "aws:eks/cluster:Cluster")
        .input("vpcConfig")
        .unwrap();
    assert_eq!(vpc_config["endpointPrivateAccess"], json!(true));
    assert_eq!(vpc_config["endpointPublicAccess"], json!(false));
    assert!(vpc_config.get("publicAccessCidrs").is_none());

    let regs = graph(dev()).await;
    let vpc_config = one(&regs, "aws:eks/cluster:Cluster")
        .input("vpcConfig")
        .unwrap();
    assert_eq!(vpc_config["endpointPublicAccess"], json!(true));
    assert_eq!(vpc_config["publicAccessCidrs"], json!(["203.0.113.0/24"]));
}

#[tokio::test]
async fn roles_carry_the_managed_policies_they_need_and_nothing_more() {
    let regs = graph(prod()).await;
    let attached = |role_part: &str| -> BTreeSet<String> {
        let role = named(&regs, &format!("eks-{role_part}"));
        of_type(&regs, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
            .into_iter()
            .filter(|a| a.input_str("role").as_deref() == Some(role.id.as_str()))
            .map(|a| {
                a.input_str("policyArn")
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    };
    let set = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(attached("cluster-role"), set(&["AmazonEKSClusterPolicy"]));
    assert_eq!(
        attached("node-role"),
        set(&[
            "AmazonEKSWorkerNodePolicy",
            "AmazonEC2ContainerRegistryPullOnly"
        ])
    );
    assert_eq!(
        attached("irsa-kube-system-aws-node"),
        set(&["AmazonEKS_CNI_Policy"])
    );
    assert_eq!(
        attached("irsa-kube-system-ebs-csi-controller-sa"),
        set(&["AmazonEBSCSIDriverPolicy"])
    );
    let cluster = one(&regs, "aws:eks/cluster:Cluster");
    let attachment = named(&regs, "eks-cluster-role-AmazonEKSClusterPolicy");
    assert!(
        cluster.dependencies.contains(&attachment.urn),
        "the cluster waits for its policy"
    );
}

#[tokio::test]
async fn the_ebs_driver_assumes_an_irsa_role_bound_to_its_service_account() {
    let regs = graph(prod()).await;
    let oidc = one(&regs, "aws:iam/openIdConnectProvider:OpenIdConnectProvider");
    assert_eq!(oidc.input_str("url").as_deref(), Some(ISSUER));
    assert_eq!(
        oidc.input("clientIdLists"),
        Some(json!(["sts.amazonaws.com"]))
    );
    let role = named(&regs, "eks-irsa-kube-system-ebs-csi-controller-sa");
    let trust: Value = serde_json::from_str(&role.input_str("assumeRolePolicy").unwrap()).unwrap();
    let statement = &trust["Statement"][0];
    assert_eq!(statement["Action"], "sts:AssumeRoleWithWebIdentity");
    assert_eq!(
        statement["Principal"]["Federated"],
        "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/eks-oidc-provider"
    );
    let host = ISSUER.trim_start_matches("https://");
    assert_eq!(
        statement["Condition"]["StringEquals"][format!("{host}:sub")],
        "system:serviceaccount:kube-system:ebs-csi-controller-sa"
    );
    assert_eq!(
        statement["Condition"]["StringEquals"][format!("{host}:aud")],
        "sts.amazonaws.com"
    );
    let addon = named(&regs, "eks-aws-ebs-csi-driver");
    assert_eq!(
        addon.input_str("serviceAccountRoleArn"),
        Some(format!("arn:aws:iam::123456789012:role/{}", role.name))
    );
}

#[tokio::test]
async fn add_ons_are_ordered_around_the_node_groups() {
    let regs = graph(dev()).await;
    let addons: BTreeSet<String> = of_type(&regs, "aws:eks/addon:Addon")
        .iter()
        .map(|a| a.input_str("addonName").unwrap())
        .collect();
    assert_eq!(
        addons,
        ["aws-ebs-csi-driver", "coredns", "kube-proxy", "vpc-cni"]
            .map(String::from)
            .into()
    );
    let urn = |name: &str| named(&regs, name).urn.clone();
    for group in ["eks-system-nodes", "eks-stateful-nodes"] {
        let deps = &named(&regs, group).dependencies;
        assert!(
            deps.contains(&urn("eks-vpc-cni")),
            "{group} starts after the CNI"
        );
        assert!(deps.contains(&urn("eks-kube-proxy")));
        for addon in ["eks-coredns", "eks-aws-ebs-csi-driver"] {
            assert!(
                named(&regs, addon).dependencies.contains(&urn(group)),
                "{addon} after {group}"
            );
        }
    }
}

#[tokio::test]
async fn the_kubernetes_provider_depends_on_the_cluster_and_node_groups() {
    let regs = graph(prod()).await;
    let provider = one(&regs, "pulumi:providers:kubernetes");
    for dependency in ["eks-cluster", "eks-system-nodes", "eks-stateful-nodes"] {
        assert!(
            provider
                .dependencies
                .contains(&named(&regs, dependency).urn),
            "the provider must wait for {dependency}"
        );
    }
    assert!(provider.input_is_secret("kubeconfig"));
    let kubeconfig: Value =
        serde_json::from_str(&provider.input_str("kubeconfig").unwrap()).unwrap();
    assert_eq!(kubeconfig["clusters"][0]["cluster"]["server"], ENDPOINT);
    assert_eq!(
        kubeconfig["clusters"][0]["cluster"]["certificate-authority-data"],
        "Q0EtREFUQQ=="
    );
    let exec = &kubeconfig["users"][0]["user"]["exec"];
    assert_eq!(exec["command"], "aws");
    assert_eq!(
        exec["args"],
        json!([
            "eks",
            "get-token",
            "--cluster-name",
            CLUSTER,
            "--region",
            REGION,
            "--output",
            "json"
        ])
    );
    // The component's kubeconfig output is secret too.
    let component = one(&regs, "heartbeat:eks:EksCluster");
    let outputs = component.registered_outputs.clone().unwrap();
    assert!(pulumi_runtime::wire::decode(&outputs["kubeconfig"]).1);
    assert_eq!(outputs["name"], json!(CLUSTER));
    assert_eq!(outputs["oidc"]["issuerUrl"], json!(ISSUER));
}

#[tokio::test]
async fn the_default_storage_class_is_encrypted_gp3_through_the_provider() {
    let regs = graph(dev()).await;
    let provider = one(&regs, "pulumi:providers:kubernetes");
    let classes = of_type(&regs, "kubernetes:storage.k8s.io/v1:StorageClass");
    assert_eq!(classes.len(), 2, "the default class and the retained one");
    let class = classes
        .iter()
        .find(|c| c.input_str("metadata/name").as_deref() == Some("gp3"))
        .expect("the gp3 class");
    let retained = classes
        .iter()
        .find(|c| c.input_str("metadata/name").as_deref() == Some("gp3-retain"))
        .expect("the gp3-retain class");
    assert_eq!(class.input_str("reclaimPolicy").as_deref(), Some("Delete"));
    assert_eq!(
        retained.input_str("reclaimPolicy").as_deref(),
        Some("Retain")
    );
    assert!(
        retained.input("metadata/annotations").is_none(),
        "one default class only"
    );
    assert_eq!(
        retained.input("parameters/encrypted"),
        class.input("parameters/encrypted")
    );
    assert_eq!(class.provider, format!("{}::{}", provider.urn, provider.id));
    assert_eq!(
        class.input_str("provisioner").as_deref(),
        Some("ebs.csi.aws.com")
    );
    assert_eq!(class.input("parameters/type"), Some(json!("gp3")));
    assert_eq!(class.input("parameters/encrypted"), Some(json!("true")));
    assert_eq!(
        class.input("volumeBindingMode"),
        Some(json!("WaitForFirstConsumer"))
    );
    let annotations = class.input("metadata/annotations").unwrap();
    assert_eq!(
        annotations["storageclass.kubernetes.io/is-default-class"],
        "true"
    );
    assert!(
        class
            .dependencies
            .contains(&named(&regs, "eks-aws-ebs-csi-driver").urn)
    );

    // Volumes are encrypted with the cluster's own rotating key, which the driver may use.
    let key = named(&regs, "eks-volumes-key");
    assert_eq!(key.input("enableKeyRotation"), Some(json!(true)));
    let key_arn = format!("arn:aws:kms::123456789012:key/{}", key.name);
    assert_eq!(
        class.input_str("parameters/kmsKeyId").as_deref(),
        Some(key_arn.as_str())
    );
    let key_use = named(&regs, "eks-ebs-csi-volumes-key");
    assert!(class.dependencies.contains(&key_use.urn));
    let document: Value = serde_json::from_str(&key_use.input_str("policy").unwrap()).unwrap();
    for statement in document["Statement"].as_array().unwrap() {
        assert_eq!(statement["Resource"], json!(key_arn), "only this key");
    }
    assert_eq!(
        document["Statement"][0]["Condition"]["Bool"]["kms:GrantIsForAWSResource"],
        json!(true),
        "grants only for EBS itself"
    );
    let ebs_role = named(&regs, "eks-irsa-kube-system-ebs-csi-controller-sa");
    assert_eq!(
        key_use.input("role"),
        Some(json!(format!("{}-id", ebs_role.name)))
    );
}

#[tokio::test]
async fn a_render_directory_gives_the_offline_provider() {
    let mut stack = dev();
    stack.render_directory = Some("out/manifests".into());
    let regs = graph(stack).await;
    let provider = one(&regs, "pulumi:providers:kubernetes");
    assert_eq!(
        provider.input_str("renderYamlToDirectory").as_deref(),
        Some("out/manifests")
    );
    assert!(provider.input("kubeconfig").is_none());
    assert!(
        provider
            .dependencies
            .contains(&named(&regs, "eks-cluster").urn)
    );
}

#[tokio::test]
async fn admins_get_the_admin_policy_and_viewers_the_previewers_group() {
    let regs = graph(prod()).await;
    let entries = of_type(&regs, "aws:eks/accessEntry:AccessEntry");
    let associations = of_type(
        &regs,
        "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
    );
    assert_eq!((entries.len(), associations.len()), (2, 1));
    let entry = |principal: &str| {
        *entries
            .iter()
            .find(|e| e.input_str("principalArn").as_deref() == Some(principal))
            .unwrap_or_else(|| panic!("no access entry for {principal}"))
    };
    for principal in [ADMIN, VIEWER] {
        assert_eq!(
            entry(principal).input_str("type").as_deref(),
            Some("STANDARD")
        );
        assert_eq!(
            entry(principal).input_str("clusterName").as_deref(),
            Some(CLUSTER)
        );
    }
    let admin = entry(ADMIN);
    assert_eq!(admin.input("kubernetesGroups"), None);
    let association = associations[0];
    assert_eq!(
        association.input_str("principalArn").as_deref(),
        Some(ADMIN)
    );
    assert_eq!(
        association.input_str("policyArn").as_deref(),
        Some("arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy")
    );
    assert_eq!(
        association.input("accessScope"),
        Some(json!({"type": "cluster"}))
    );
    assert!(association.dependencies.contains(&admin.urn));
    // The viewer has no EKS access policy (AmazonEKSAdminViewPolicy would add nothing the
    // group's role lacks): its rights are the group's RBAC role, under the dry-run policy.
    assert_eq!(
        entry(VIEWER).input("kubernetesGroups"),
        Some(json!(["heartbeat:previewers"]))
    );
    assert_eq!(
        eks_cluster::preview_access::PREVIEWERS_GROUP,
        "heartbeat:previewers"
    );

    let cluster = one(&regs, "aws:eks/cluster:Cluster");
    assert_eq!(
        cluster.input("accessConfig/authenticationMode"),
        Some(json!("API"))
    );
}

#[tokio::test]
async fn without_viewers_there_is_no_previewers_role_or_policy() {
    let mut stack = prod();
    stack.eks.viewer_principal_arns.clear();
    let regs = graph(stack).await;
    assert_eq!(of_type(&regs, "aws:eks/accessEntry:AccessEntry").len(), 1);
    for token in [CLUSTER_ROLE, ROLE_BINDING, POLICY, POLICY_BINDING] {
        assert!(of_type(&regs, token).is_empty(), "{token} without viewers");
    }
}

const CLUSTER_ROLE: &str = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole";
const ROLE_BINDING: &str = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding";
const POLICY: &str = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy";
const POLICY_BINDING: &str =
    "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding";

fn viewer_entry(regs: &[Registration]) -> &Registration {
    of_type(regs, "aws:eks/accessEntry:AccessEntry")
        .into_iter()
        .find(|e| e.input_str("principalArn").as_deref() == Some(VIEWER))
        .unwrap()
}

#[tokio::test]
async fn the_previewers_role_reads_everything_and_writes_nothing_but_dry_runs_can_use() {
    let regs = graph(prod()).await;
    let group = viewer_entry(&regs).input("kubernetesGroups/0").unwrap();
    let binding = one(&regs, ROLE_BINDING);
    assert_eq!(
        binding.input("subjects"),
        Some(json!([{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": group}]))
    );
    let role = one(&regs, CLUSTER_ROLE);
    assert_eq!(
        binding.input("roleRef"),
        Some(json!({
            "apiGroup": "rbac.authorization.k8s.io",
            "kind": "ClusterRole",
            "name": role.input("metadata/name").unwrap(),
        }))
    );
    let rules = role.input("rules").unwrap();
    let rules = rules.as_array().unwrap();
    let verbs = |rule: &Value| strings(Some(rule["verbs"].clone()));
    let groups = |rule: &Value| strings(Some(rule["apiGroups"].clone()));
    let read = BTreeSet::from(["get".to_owned(), "list".into(), "watch".into()]);
    assert!(
        rules
            .iter()
            .any(|r| groups(r) == BTreeSet::from(["*".to_owned()])
                && strings(Some(r["resources"].clone())) == BTreeSet::from(["*".to_owned()])
                && verbs(r) == read),
        "reads every object: {rules:?}"
    );
    let mut written = BTreeSet::new();
    for rule in rules {
        let verbs = verbs(rule);
        for forbidden in ["*", "impersonate", "delete", "deletecollection"] {
            assert!(!verbs.contains(forbidden), "{forbidden} in {rule}");
        }
        assert!(rule.get("nonResourceURLs").is_none(), "{rule}");
        let groups = groups(rule);
        if groups.contains("*") || groups.contains("admissionregistration.k8s.io") {
            assert_eq!(
                verbs, read,
                "webhooks and admission policies only read: {rule}"
            );
            continue;
        }
        assert!(verbs.is_superset(&BTreeSet::from(["create".to_owned(), "patch".into()])));
        if groups.contains("rbac.authorization.k8s.io") {
            assert!(
                verbs.contains("escalate") && verbs.contains("bind"),
                "{rule}"
            );
        } else {
            assert!(
                !verbs.contains("escalate") && !verbs.contains("bind"),
                "{rule}"
            );
        }
        if groups.contains("") {
            let resources = strings(Some(rule["resources"].clone()));
            assert!(
                !resources.iter().any(|r| r.contains('*')
                    || ["pods/exec", "nodes/proxy", "serviceaccounts/token"].contains(&r.as_str())),
                "core writes name their resources: {rule}"
            );
        }
        written.extend(groups);
    }
    assert!(written.contains("") && written.contains("rbac.authorization.k8s.io"));
}

#[tokio::test]
async fn the_admission_policy_keeps_the_previewers_to_dry_runs() {
    let regs = graph(prod()).await;
    let group = viewer_entry(&regs).input_str("kubernetesGroups/0").unwrap();
    let policy = one(&regs, POLICY);
    assert_eq!(policy.input("spec/failurePolicy"), Some(json!("Fail")));
    assert_eq!(
        policy.input("spec/matchConstraints/resourceRules"),
        Some(json!([{
            "apiGroups": ["*"],
            "apiVersions": ["*"],
            "operations": ["CREATE", "UPDATE", "DELETE", "CONNECT"],
            // Resources and their subresources (pods/exec): the API server refuses `*/*`
            // beside other entries, and `*` alone leaves out subresources.
            "resources": ["*/*"],
        }]))
    );
    // Only the self reviews behind `kubectl auth can-i` and `whoami` are left out.
    let excluded = policy
        .input("spec/matchConstraints/excludeResourceRules")
        .unwrap();
    let excluded: BTreeSet<String> = excluded
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|rule| {
            assert_eq!(rule["operations"], json!(["CREATE"]));
            strings(Some(rule["resources"].clone()))
        })
        .collect();
    assert_eq!(
        excluded,
        BTreeSet::from([
            "selfsubjectaccessreviews".to_owned(),
            "selfsubjectrulesreviews".into(),
            "selfsubjectreviews".into(),
        ])
    );
    assert_eq!(
        policy.input("spec/matchConditions"),
        Some(json!([{
            "name": "from-previewers",
            "expression": format!("has(request.userInfo.groups) && '{group}' in request.userInfo.groups"),
        }]))
    );
    assert_eq!(
        policy.input_str("spec/validations/0/expression").as_deref(),
        Some("request.dryRun == true")
    );
    assert_eq!(
        policy
            .input("spec/validations")
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let binding = one(&regs, POLICY_BINDING);
    assert_eq!(
        binding.input("spec"),
        Some(json!({
            "policyName": policy.input("metadata/name").unwrap(),
            "validationActions": ["Deny"],
        })),
        "cluster-wide, refusing"
    );
}

#[tokio::test]
async fn the_policy_guards_the_group_before_any_viewer_is_in_it() {
    let regs = graph(prod()).await;
    let provider = one(&regs, "pulumi:providers:kubernetes");
    for token in [CLUSTER_ROLE, ROLE_BINDING, POLICY, POLICY_BINDING] {
        let object = one(&regs, token);
        assert_eq!(
            object.provider,
            format!("{}::{}", provider.urn, provider.id),
            "{token} through the cluster's provider"
        );
    }
    for part in ["cluster", "system-nodes", "stateful-nodes"] {
        assert!(
            provider
                .dependencies
                .contains(&named(&regs, &format!("eks-{part}")).urn),
            "the provider waits for eks-{part}"
        );
    }
    let policy = one(&regs, POLICY);
    let policy_binding = one(&regs, POLICY_BINDING);
    let role = one(&regs, CLUSTER_ROLE);
    let role_binding = one(&regs, ROLE_BINDING);
    assert!(policy_binding.dependencies.contains(&policy.urn));
    for before in [policy, policy_binding, role] {
        assert!(
            role_binding.dependencies.contains(&before.urn),
            "the role is bound after {}",
            before.name
        );
    }
    let entry = viewer_entry(&regs);
    for before in [policy_binding, role_binding] {
        assert!(
            entry.dependencies.contains(&before.urn),
            "the viewer enters the group after {}",
            before.name
        );
    }
}

#[tokio::test]
async fn nodes_launch_from_a_template_with_imdsv2_an_encrypted_root_and_the_stack_tags() {
    let regs = graph(prod()).await;
    let templates = of_type(&regs, "aws:ec2/launchTemplate:LaunchTemplate");
    assert_eq!(templates.len(), 2);
    for (pool, disk) in [("system", 50), ("stateful", 100)] {
        let group = named(&regs, &format!("eks-{pool}-nodes"));
        let template = named(&regs, &format!("eks-{pool}-nodes-template"));
        assert_eq!(
            group.input("launchTemplate"),
            Some(json!({"id": template.id, "version": "1"})),
            "{pool} pins its template's latest version"
        );
        assert!(group.dependencies.contains(&template.urn));
        assert!(group.input("diskSize").is_none());
        assert_eq!(
            template.input("metadataOptions"),
            Some(json!({
                "httpEndpoint": "enabled",
                "httpTokens": "required",
                "httpPutResponseHopLimit": 2
            }))
        );
        assert_eq!(
            template.input("blockDeviceMappings"),
            Some(json!([{
                "deviceName": "/dev/xvda",
                "ebs": {
                    "volumeSize": disk,
                    "volumeType": "gp3",
                    "encrypted": "true",
                    "deleteOnTermination": "true"
                }
            }]))
        );
        // The template leaves the AMI, the instance type and user data to the node group.
        for key in ["imageId", "instanceType", "userData", "vpcSecurityGroupIds"] {
            assert!(template.input(key).is_none(), "{pool} template sets {key}");
        }
        let specs = template.input("tagSpecifications").unwrap();
        let kinds: BTreeSet<String> = specs
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["resourceType"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(
            kinds,
            ["instance", "network-interface", "volume"]
                .map(String::from)
                .into()
        );
        for spec in specs.as_array().unwrap() {
            let tags = &spec["tags"];
            assert_eq!(tags["Name"], format!("test-eks-{pool}-nodes"));
            assert_eq!(tags["heartbeat:stack"], "test");
            assert_eq!(tags["heartbeat:project"], "heartbeat-platform");
            assert_eq!(tags["heartbeat:component"], "eks");
        }
    }
}

#[tokio::test]
async fn the_control_plane_has_an_upgrade_policy_and_vpc_cni_enforces_network_policies() {
    let cluster_of = |regs: &[Registration]| one(regs, "aws:eks/cluster:Cluster").clone();
    let prod = graph(prod()).await;
    assert_eq!(
        cluster_of(&prod).input("upgradePolicy"),
        Some(json!({"supportType": "EXTENDED"}))
    );
    let dev = graph(dev()).await;
    assert_eq!(
        cluster_of(&dev).input("upgradePolicy"),
        Some(json!({"supportType": "STANDARD"})),
        "standard support by default"
    );
    let cni = named(&dev, "eks-vpc-cni");
    let values: Value =
        serde_json::from_str(&cni.input_str("configurationValues").unwrap()).unwrap();
    assert_eq!(values, json!({"enableNetworkPolicy": "true"}));
    for other in ["eks-kube-proxy", "eks-coredns", "eks-aws-ebs-csi-driver"] {
        assert!(named(&dev, other).input("configurationValues").is_none());
    }
}

#[tokio::test]
async fn the_api_endpoint_admits_the_api_clients_group_whose_id_is_an_output() {
    let regs = graph(prod()).await;
    let cluster = one(&regs, "aws:eks/cluster:Cluster");
    let groups = strings(cluster.input("vpcConfig/securityGroupIds"));
    let endpoint = named(&regs, "network-api-endpoint-sg");
    let baseline = named(&regs, "network-baseline-sg");
    assert_eq!(
        groups,
        [endpoint.id.clone(), baseline.id.clone()].into(),
        "the control plane's interfaces carry the API endpoint group"
    );
    let clients = named(&regs, "network-api-clients-sg");
    assert_eq!(
        endpoint.input("ingress/0/securityGroups"),
        Some(json!([clients.id]))
    );
    assert_eq!(
        endpoint.input("ingress/1/cidrBlocks"),
        Some(json!(["192.168.0.0/20"]))
    );
    let component = one(&regs, "heartbeat:eks:EksCluster");
    let outputs = component.registered_outputs.clone().unwrap();
    assert_eq!(outputs["apiClientsSecurityGroupId"], json!(clients.id));
    assert_eq!(outputs["endpoint"], json!(ENDPOINT));
}

#[tokio::test]
async fn every_aws_resource_is_tagged_by_its_component() {
    const UNTAGGABLE: [&str; 6] = [
        "aws:ec2/route:Route",
        "aws:ec2/routeTableAssociation:RouteTableAssociation",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "aws:iam/rolePolicy:RolePolicy",
        "aws:kms/alias:Alias",
        "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
    ];
    let regs = graph(prod()).await;
    let component = one(&regs, "heartbeat:eks:EksCluster");
    for reg in regs.iter().filter(|r| r.type_token.starts_with("aws:")) {
        if UNTAGGABLE.contains(&reg.type_token.as_str()) {
            continue;
        }
        let tags = reg
            .input("tags")
            .unwrap_or_else(|| panic!("{} has no tags", reg.name));
        let module = if reg.parent == component.urn {
            "eks"
        } else {
            "network"
        };
        assert_eq!(tags["heartbeat:component"], module, "{}", reg.name);
        assert_eq!(
            tags["heartbeat:project"], "heartbeat-platform",
            "{}",
            reg.name
        );
        assert_eq!(tags["heartbeat:stack"], "test", "{}", reg.name);
        assert_eq!(tags["Name"], format!("test-{}", reg.name));
    }
    let eks_children = regs.iter().filter(|r| r.parent == component.urn).count();
    assert!(eks_children >= 20, "{eks_children} children");
}

#[tokio::test]
async fn a_preview_registers_the_same_graph_with_unknown_outputs() {
    let (update, result) = synth(prod(), Mode::Update).await;
    result.unwrap();
    let (preview, result) = synth(prod(), Mode::Preview).await;
    result.unwrap();
    let names = |regs: &[Registration]| -> BTreeSet<String> {
        regs.iter()
            .map(|r| format!("{} {}", r.type_token, r.name))
            .collect()
    };
    assert_eq!(names(&update), names(&preview));
    let provider = one(&preview, "pulumi:providers:kubernetes");
    assert!(provider.input_is_unknown("kubeconfig"));
}

async fn problems(stack: Stack) -> (String, Vec<Registration>) {
    let (registrations, result) = synth(stack, Mode::Update).await;
    let message = format!("{:#}", result.unwrap_err());
    let eks: Vec<_> = registrations
        .into_iter()
        .filter(|r| {
            r.type_token.starts_with("aws:eks") || r.type_token.starts_with("heartbeat:eks")
        })
        .collect();
    (message, eks)
}

#[tokio::test]
async fn bad_config_is_refused_before_the_cluster_is_registered() {
    let mut stack = prod();
    stack.eks.system_nodes.min = 5;
    stack.eks.system_nodes.max = 3;
    stack.eks.public_endpoint = true;
    stack.eks.service_cidr = "10.20.0.0/16".parse().unwrap();
    stack.eks.stateful_nodes.instance_types = vec!["r6i.xlarge".into(), "r7g.xlarge".into()];
    stack.eks.admin_principal_arns = vec!["platform-admin".into()];
    stack.eks.control_plane_log_retention_days = 10;
    stack.eks.api_access_cidrs = vec!["0.0.0.0/0".parse().unwrap()];
    stack.eks.viewer_principal_arns = vec!["platform-admin".into()];
    let (message, registered) = problems(stack).await;
    assert!(
        registered.is_empty(),
        "nothing of the cluster may be registered"
    );
    for expected in [
        "heartbeat-platform:eks.systemNodes.min = 5: must not exceed systemNodes.max (3)",
        "heartbeat-platform:eks.publicAccessCidrs = []",
        "heartbeat-platform:eks.serviceCidr = 10.20.0.0/16: overlaps the VPC range",
        "heartbeat-platform:eks.statefulNodes.instanceTypes = r6i.xlarge, r7g.xlarge",
        "heartbeat-platform:eks.adminPrincipalArns[0] = platform-admin",
        "heartbeat-platform:eks.controlPlaneLogRetentionDays = 10: use one of CloudWatch's",
        "heartbeat-platform:eks.apiAccessCidrs[0] = 0.0.0.0/0: 0.0.0.0/0 opens the API",
        "heartbeat-platform:eks.viewerPrincipalArns[0] = platform-admin: is also in adminPrincipalArns",
    ] {
        assert!(
            message.contains(expected),
            "missing `{expected}` in:\n{message}"
        );
    }
}

#[tokio::test]
async fn a_cluster_needs_an_admin_and_the_network_must_admit_its_api_ranges() {
    let mut stack = dev();
    stack.eks.admin_principal_arns.clear();
    let (message, registered) = problems(stack).await;
    assert!(registered.is_empty());
    assert!(
        message.contains("heartbeat-platform:eks.adminPrincipalArns = []: list the IAM roles"),
        "{message}"
    );

    // A Network built without the ranges EksCluster is configured with is wrong wiring.
    let mut stack = dev();
    stack.eks.api_access_cidrs = vec!["192.168.0.0/20".parse().unwrap()];
    stack.network_api_ranges = Some(Vec::new());
    let (message, registered) = problems(stack).await;
    assert!(registered.is_empty(), "no cluster on wrong wiring");
    assert!(
        message.contains("heartbeat-platform:eks.apiAccessCidrs")
            && message.contains("NetworkArgs::api_access_ranges"),
        "{message}"
    );
}

#[tokio::test]
async fn viewers_need_a_version_that_serves_admission_policies() {
    let mut stack = prod();
    stack.eks.kubernetes_version = "1.29".into();
    let (message, registered) = problems(stack).await;
    assert!(registered.is_empty());
    assert!(
        message.contains(&format!(
            "heartbeat-platform:eks.viewerPrincipalArns = [\"{VIEWER}\"]: viewers are kept to dry runs by a ValidatingAdmissionPolicy"
        )) && message.contains("set kubernetesVersion to \"1.30\" or later, or list no viewers"),
        "{message}"
    );
    // Without viewers 1.29 stays possible, and 1.30 serves the policy.
    let mut stack = prod();
    stack.eks.kubernetes_version = "1.29".into();
    stack.eks.viewer_principal_arns.clear();
    assert!(of_type(&graph(stack).await, POLICY).is_empty());
    let mut stack = prod();
    stack.eks.kubernetes_version = "1.30".into();
    assert_eq!(of_type(&graph(stack).await, POLICY).len(), 1);
}

#[test]
fn graviton_types_are_told_from_x86_ones() {
    use eks_cluster::node_groups::{ami_type, is_graviton};
    for arm in ["m7g.large", "r6gd.xlarge", "c7gn.2xlarge", "t4g.medium"] {
        assert!(is_graviton(arm), "{arm}");
    }
    for x86 in [
        "m6i.large",
        "r6i.xlarge",
        "g5.xlarge",
        "c5n.large",
        "m7a.large",
    ] {
        assert!(!is_graviton(x86), "{x86}");
    }
    assert_eq!(ami_type(&["m7g.large".into()]), "AL2023_ARM_64_STANDARD");
}

#[test]
fn the_config_section_has_documented_defaults() {
    let config: EksConfig = serde_json::from_value(json!({})).unwrap();
    assert_eq!(config.kubernetes_version, "1.33");
    assert!(!config.public_endpoint);
    assert_eq!(config.system_nodes.instance_types, ["m6i.large"]);
    assert_eq!(config.stateful_nodes.instance_types, ["r6i.xlarge"]);
    assert_eq!(config.upgrade_support_type, SupportType::Standard);
    assert!(config.api_access_cidrs.is_empty() && config.viewer_principal_arns.is_empty());
    let extended: EksConfig =
        serde_json::from_value(json!({"upgradeSupportType": "EXTENDED"})).unwrap();
    assert_eq!(extended.upgrade_support_type, SupportType::Extended);
    let unknown = serde_json::from_value::<EksConfig>(json!({"upgradeSupportType": "LTS"}));
    assert!(unknown.unwrap_err().to_string().contains("EXTENDED"));
    let taint = serde_json::from_value::<TaintConfig>(json!({"key": "k", "effect": "NoSchedule"}));
    assert!(taint.unwrap_err().to_string().contains("NO_SCHEDULE"));
}

#[tokio::test]
async fn another_component_makes_an_irsa_role_with_its_own_policy() {
    let engine = MockEngine::start(Mode::Update).await.unwrap();
    fakes(&engine);
    let settings = engine.settings("heartbeat-platform", "test", &[]);
    let stack = dev();
    pulumi_runtime::run(settings, move |ctx| async move {
        let network_args = NetworkArgs {
            config: &stack.network,
            region: REGION,
            cluster_name: CLUSTER,
            api_access_ranges: &stack.eks.api_access_cidrs,
        };
        let network = Network::new(&ctx, "network", &network_args, ResourceOptions::new())?;
        let args = EksClusterArgs {
            config: &stack.eks,
            network: &network,
            render_directory: None,
        };
        let cluster = EksCluster::new(&ctx, "eks", &args, ResourceOptions::new())?;
        let scope = platform_core::ComponentScope::new(
            &ctx,
            "uploads",
            "Uploads",
            "uploads",
            ResourceOptions::new(),
        );
        let mut role = ServiceAccountRole::new(&scope, &cluster.oidc, "apps", "uploader", &[]);
        role.attach(
            &scope,
            "uploader-policy",
            Output::new("arn:aws:iam::123456789012:policy/uploads".to_owned()),
        );
        Ok(scope.finish(json!({})))
    })
    .await
    .unwrap();
    let regs = engine.registrations();
    let component = one(&regs, "heartbeat:uploads:Uploads");
    let role = named(&regs, "uploads-irsa-apps-uploader");
    assert_eq!(role.parent, component.urn);
    assert_eq!(
        role.input("tags").unwrap()["heartbeat:component"],
        "uploads"
    );
    let trust: Value = serde_json::from_str(&role.input_str("assumeRolePolicy").unwrap()).unwrap();
    let host = ISSUER.trim_start_matches("https://");
    assert_eq!(
        trust["Statement"][0]["Condition"]["StringEquals"][format!("{host}:sub")],
        "system:serviceaccount:apps:uploader"
    );
    let attachment = named(&regs, "uploads-uploader-policy");
    assert_eq!(
        attachment.input_str("role").as_deref(),
        Some(role.id.as_str())
    );
    assert_eq!(
        attachment.input_str("policyArn").as_deref(),
        Some("arn:aws:iam::123456789012:policy/uploads")
    );
}
