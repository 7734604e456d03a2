//! The Network component's resource graph, registered against the mock engine for a dev-sized
//! (2 zones, one NAT gateway) and a prod-sized (3 zones, NAT per zone, endpoints, flow logs)
//! configuration.

use mock_engine::query::of_type;
use std::collections::BTreeSet;

use mock_engine::{MockEngine, Mode, Registration};
use network::{FlowLogsConfig, Network, NetworkArgs, NetworkConfig, VpcEndpointsConfig};
use pulumi_runtime::ResourceOptions;
use serde_json::json;

const REGION: &str = "eu-west-1";
const CLUSTER: &str = "heartbeat-test";

fn dev() -> NetworkConfig {
    NetworkConfig {
        cidr: "10.10.0.0/16".parse().unwrap(),
        zones: vec!["eu-west-1a".into(), "eu-west-1b".into()],
        ..NetworkConfig::default()
    }
}

fn prod() -> NetworkConfig {
    NetworkConfig {
        cidr: "10.20.0.0/16".parse().unwrap(),
        zones: vec![
            "eu-west-1a".into(),
            "eu-west-1b".into(),
            "eu-west-1c".into(),
        ],
        nat_gateway_per_zone: true,
        vpc_endpoints: VpcEndpointsConfig {
            s3_gateway: true,
            ecr_and_sts: true,
        },
        flow_logs: FlowLogsConfig {
            enabled: true,
            retention_days: 90,
        },
    }
}

/// Runs the component alone against a fresh mock; returns the registrations or the error.
async fn synth(config: NetworkConfig, mode: Mode) -> (Vec<Registration>, anyhow::Result<()>) {
    synth_with_api_ranges(config, Vec::new(), mode).await
}

/// As [`synth`], with outside ranges admitted to the cluster API.
async fn synth_with_api_ranges(
    config: NetworkConfig,
    api_access_ranges: Vec<ipnet::Ipv4Net>,
    mode: Mode,
) -> (Vec<Registration>, anyhow::Result<()>) {
    let engine = MockEngine::start(mode).await.unwrap();
    engine.fake_computed(
        network::computed_outputs::READ,
        network::computed_outputs::example,
    );
    let settings = engine.settings("heartbeat-platform", "test", &[]);
    let result = pulumi_runtime::run(settings, move |ctx| async move {
        let args = NetworkArgs {
            config: &config,
            region: REGION,
            cluster_name: CLUSTER,
            api_access_ranges: &api_access_ranges,
        };
        Ok(Network::new(
            &ctx,
            "network",
            &args,
            ResourceOptions::new(),
        )?)
    })
    .await;
    (engine.registrations(), result)
}

async fn graph(config: NetworkConfig) -> Vec<Registration> {
    let (registrations, result) = synth(config, Mode::Update).await;
    result.unwrap();
    registrations
}

fn by_id<'a>(regs: &'a [Registration], id: &str) -> &'a Registration {
    regs.iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("no resource with id {id}"))
}

fn str_input(reg: &Registration, path: &str) -> String {
    reg.input_str(path)
        .unwrap_or_else(|| panic!("{} has no string input {path}", reg.name))
}

/// The zone of the subnet a route table is associated with.
fn zone_of_route_table(regs: &[Registration], table_id: &str) -> String {
    let association = of_type(regs, "aws:ec2/routeTableAssociation:RouteTableAssociation")
        .into_iter()
        .find(|a| str_input(a, "routeTableId") == table_id)
        .unwrap_or_else(|| panic!("route table {table_id} has no association"));
    let subnet = by_id(regs, &str_input(association, "subnetId"));
    str_input(subnet, "availabilityZone")
}

#[tokio::test]
async fn subnets_are_two_per_zone_disjoint_and_tagged_for_eks() {
    for config in [dev(), prod()] {
        let regs = graph(config.clone()).await;
        let subnets = of_type(&regs, "aws:ec2/subnet:Subnet");
        assert_eq!(subnets.len(), 2 * config.zones.len());
        let mut ranges = BTreeSet::new();
        for subnet in &subnets {
            let cidr: ipnet::Ipv4Net = str_input(subnet, "cidrBlock").parse().unwrap();
            assert!(
                config.cidr.contains(&cidr),
                "{cidr} outside {}",
                config.cidr
            );
            assert!(
                ranges
                    .iter()
                    .all(|r: &ipnet::Ipv4Net| !r.contains(&cidr.network())
                        && !cidr.contains(&r.network())),
                "{cidr} overlaps another subnet"
            );
            ranges.insert(cidr);
            let public = subnet.name.contains("-public-");
            let role = if public {
                "kubernetes.io/role/elb"
            } else {
                "kubernetes.io/role/internal-elb"
            };
            // Tag keys hold `/`, so they are read from the map, not by input path.
            let tags = subnet.input("tags").unwrap();
            assert_eq!(tags[role], "1", "{}", subnet.name);
            assert_eq!(tags[format!("kubernetes.io/cluster/{CLUSTER}")], "shared");
            assert_eq!(subnet.input("mapPublicIpOnLaunch"), Some(json!(false)));
        }
        for zone in &config.zones {
            let in_zone = subnets
                .iter()
                .filter(|s| str_input(s, "availabilityZone") == *zone)
                .count();
            assert_eq!(in_zone, 2, "zone {zone}");
        }
    }
}

#[tokio::test]
async fn every_private_route_goes_through_a_nat_in_its_own_zone_when_per_zone() {
    let regs = graph(prod()).await;
    let nats = of_type(&regs, "aws:ec2/natGateway:NatGateway");
    assert_eq!(nats.len(), 3);
    assert_eq!(of_type(&regs, "aws:ec2/eip:Eip").len(), 3);
    let private_routes: Vec<_> = of_type(&regs, "aws:ec2/route:Route")
        .into_iter()
        .filter(|r| r.input("natGatewayId").is_some())
        .collect();
    assert_eq!(private_routes.len(), 3);
    let mut nats_used = BTreeSet::new();
    for route in private_routes {
        let nat = by_id(&regs, &str_input(route, "natGatewayId"));
        let nat_subnet = by_id(&regs, &str_input(nat, "subnetId"));
        assert!(
            nat_subnet.name.contains("-public-"),
            "NAT in {}",
            nat_subnet.name
        );
        let route_zone = zone_of_route_table(&regs, &str_input(route, "routeTableId"));
        assert_eq!(str_input(nat_subnet, "availabilityZone"), route_zone);
        nats_used.insert(nat.name.clone());
        let eip = by_id(&regs, &str_input(nat, "allocationId"));
        assert_eq!(eip.type_token, "aws:ec2/eip:Eip");
    }
    assert_eq!(nats_used.len(), 3);
}

#[tokio::test]
async fn dev_shares_one_nat_and_public_traffic_uses_the_internet_gateway() {
    let regs = graph(dev()).await;
    let nats = of_type(&regs, "aws:ec2/natGateway:NatGateway");
    assert_eq!(nats.len(), 1);
    let igw = &of_type(&regs, "aws:ec2/internetGateway:InternetGateway")[0];
    assert!(
        nats[0].dependencies.contains(&igw.urn),
        "the NAT gateway must wait for the internet gateway"
    );
    let routes = of_type(&regs, "aws:ec2/route:Route");
    assert_eq!(
        routes.len(),
        3,
        "one public default route, one private per zone"
    );
    for route in routes {
        assert_eq!(str_input(route, "destinationCidrBlock"), "0.0.0.0/0");
        match route.input_str("natGatewayId") {
            Some(nat) => assert_eq!(nat, nats[0].id),
            None => assert_eq!(str_input(route, "gatewayId"), igw.id),
        }
    }
    // Every subnet is associated with exactly one route table of its own tier.
    for subnet in of_type(&regs, "aws:ec2/subnet:Subnet") {
        let associations: Vec<_> =
            of_type(&regs, "aws:ec2/routeTableAssociation:RouteTableAssociation")
                .into_iter()
                .filter(|a| str_input(a, "subnetId") == subnet.id)
                .collect();
        assert_eq!(associations.len(), 1, "{}", subnet.name);
        let table = by_id(&regs, &str_input(associations[0], "routeTableId"));
        let tier = if subnet.name.contains("-public-") {
            "-public-rt"
        } else {
            "-private-rt-"
        };
        assert!(
            table.name.contains(tier),
            "{} uses {}",
            subnet.name,
            table.name
        );
    }
}

#[tokio::test]
async fn each_tier_has_an_acl_and_the_private_tier_is_closed_to_the_internet() {
    let regs = graph(prod()).await;
    let acls = of_type(&regs, "aws:ec2/networkAcl:NetworkAcl");
    assert_eq!(acls.len(), 2);
    let subnets = of_type(&regs, "aws:ec2/subnet:Subnet");
    for acl in acls {
        let tier = if acl.name.ends_with("-public-acl") {
            "-public-"
        } else {
            "-private-"
        };
        let covered: BTreeSet<String> = acl
            .input("subnetIds")
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();
        let expected: BTreeSet<String> = subnets
            .iter()
            .filter(|s| s.name.contains(tier))
            .map(|s| s.id.clone())
            .collect();
        assert_eq!(covered, expected, "{}", acl.name);
        if tier == "-private-" {
            for rule in acl.input("ingress").unwrap().as_array().unwrap() {
                if rule["cidrBlock"] == "0.0.0.0/0" {
                    assert!(
                        rule["fromPort"].as_u64().unwrap() >= 1024,
                        "private ACL opens {rule} to the internet"
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn only_api_clients_and_the_api_access_ranges_reach_the_api_endpoint_group() {
    let vpn: ipnet::Ipv4Net = "192.168.0.0/20".parse().unwrap();
    let peered: ipnet::Ipv4Net = "10.99.0.0/16".parse().unwrap();
    let (regs, result) = synth_with_api_ranges(prod(), vec![vpn, peered], Mode::Update).await;
    result.unwrap();
    let group = |part: &str| {
        regs.iter()
            .find(|r| r.name == format!("network-{part}"))
            .unwrap_or_else(|| panic!("no {part}"))
    };
    let clients = group("api-clients-sg");
    assert_eq!(clients.input("ingress"), Some(json!([])), "egress only");
    assert_eq!(
        clients.input("egress/0/cidrBlocks"),
        Some(json!(["0.0.0.0/0"]))
    );
    let endpoint = group("api-endpoint-sg");
    assert_eq!(endpoint.input("egress"), Some(json!([])));
    let ingress = endpoint.input("ingress").unwrap();
    let ingress = ingress.as_array().unwrap();
    assert_eq!(ingress.len(), 2);
    for rule in ingress {
        assert_eq!(
            (&rule["protocol"], &rule["fromPort"], &rule["toPort"]),
            (&json!("tcp"), &json!(443), &json!(443)),
            "HTTPS only: {rule}"
        );
        assert!(rule.get("self").is_none());
    }
    assert_eq!(ingress[0]["securityGroups"], json!([clients.id]));
    assert!(ingress[0].get("cidrBlocks").is_none());
    assert_eq!(
        ingress[1]["cidrBlocks"],
        json!([vpn.to_string(), peered.to_string()])
    );
    let outputs = regs
        .iter()
        .find(|r| r.type_token == "heartbeat:network:Network")
        .unwrap()
        .registered_outputs
        .clone()
        .unwrap();
    assert_eq!(outputs["apiClientsSecurityGroupId"], json!(clients.id));
    assert_eq!(outputs["apiEndpointSecurityGroupId"], json!(endpoint.id));

    // The private tier's ACL admits HTTPS from those ranges, and nothing else from them.
    let acl = group("private-acl");
    let rules = acl.input("ingress").unwrap();
    let from = |range: &ipnet::Ipv4Net| -> Vec<serde_json::Value> {
        rules
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["cidrBlock"] == json!(range.to_string()))
            .cloned()
            .collect()
    };
    for range in [vpn, peered] {
        let admitted = from(&range);
        assert_eq!(admitted.len(), 1, "{range}: {admitted:?}");
        assert_eq!(admitted[0]["protocol"], "tcp");
        assert_eq!(
            (&admitted[0]["fromPort"], &admitted[0]["toPort"]),
            (&json!(443), &json!(443))
        );
        assert_eq!(admitted[0]["action"], "allow");
    }
    let numbers: BTreeSet<u64> = rules
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ruleNo"].as_u64().unwrap())
        .collect();
    assert_eq!(
        numbers.len(),
        rules.as_array().unwrap().len(),
        "rule numbers are unique"
    );
    let public = group("public-acl").input("ingress").unwrap();
    assert!(
        public
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["cidrBlock"] != json!(vpn.to_string())),
        "the public tier does not take the API ranges"
    );

    // Without ranges, the endpoint group admits the clients group only.
    let regs = graph(dev()).await;
    let endpoint = regs
        .iter()
        .find(|r| r.name == "network-api-endpoint-sg")
        .unwrap();
    assert_eq!(
        endpoint.input("ingress").unwrap().as_array().unwrap().len(),
        1
    );
}

#[tokio::test]
async fn every_aws_resource_is_tagged_and_parented_to_the_component() {
    // Types the provider gives no `tags` input.
    const UNTAGGABLE: [&str; 4] = [
        "aws:ec2/route:Route",
        "aws:ec2/routeTableAssociation:RouteTableAssociation",
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    ];
    let regs = graph(prod()).await;
    let component = regs
        .iter()
        .find(|r| r.type_token == "heartbeat:network:Network")
        .unwrap();
    let aws: Vec<_> = regs
        .iter()
        .filter(|r| r.type_token.starts_with("aws:"))
        .collect();
    assert!(aws.len() > 40, "only {} AWS resources", aws.len());
    for reg in aws {
        assert_eq!(reg.parent, component.urn, "{}", reg.name);
        if UNTAGGABLE.contains(&reg.type_token.as_str()) {
            continue;
        }
        assert_eq!(
            reg.input_str("tags/heartbeat:project").as_deref(),
            Some("heartbeat-platform"),
            "{}",
            reg.name
        );
        assert_eq!(
            reg.input_str("tags/heartbeat:stack").as_deref(),
            Some("test"),
            "{}",
            reg.name
        );
        assert_eq!(
            reg.input_str("tags/heartbeat:component").as_deref(),
            Some("network"),
            "{}",
            reg.name
        );
        assert_eq!(
            reg.input_str("tags/Name"),
            Some(format!("test-{}", reg.name))
        );
    }
}

#[tokio::test]
async fn endpoints_and_flow_logs_follow_the_switches() {
    let regs = graph(prod()).await;
    let endpoints = of_type(&regs, "aws:ec2/vpcEndpoint:VpcEndpoint");
    let services: BTreeSet<String> = endpoints
        .iter()
        .map(|e| str_input(e, "serviceName"))
        .collect();
    assert_eq!(
        services,
        BTreeSet::from(
            ["s3", "ecr.api", "ecr.dkr", "sts"].map(|s| format!("com.amazonaws.{REGION}.{s}"))
        )
    );
    for endpoint in endpoints {
        if str_input(endpoint, "vpcEndpointType") == "Gateway" {
            let tables = endpoint.input("routeTableIds").unwrap();
            assert_eq!(
                tables.as_array().unwrap().len(),
                3,
                "the private route tables"
            );
        } else {
            assert_eq!(endpoint.input("privateDnsEnabled"), Some(json!(true)));
            assert_eq!(
                endpoint
                    .input("subnetIds")
                    .unwrap()
                    .as_array()
                    .unwrap()
                    .len(),
                3
            );
        }
    }
    let flow_log = &of_type(&regs, "aws:ec2/flowLog:FlowLog")[0];
    assert_eq!(str_input(flow_log, "logDestinationType"), "s3");
    assert!(str_input(flow_log, "logDestination").starts_with("arn:aws:s3:::network-flow-logs"));
    let lifecycle = &of_type(
        &regs,
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    )[0];
    assert_eq!(lifecycle.input("rules/0/expiration/days"), Some(json!(90)));

    let dev = graph(dev()).await;
    assert_eq!(
        of_type(&dev, "aws:ec2/vpcEndpoint:VpcEndpoint").len(),
        1,
        "S3 gateway only"
    );
    assert!(of_type(&dev, "aws:ec2/flowLog:FlowLog").is_empty());
    assert!(of_type(&dev, "aws:s3/bucket:Bucket").is_empty());
}

#[tokio::test]
async fn the_vpc_has_dns_and_the_outputs_carry_the_subnets_by_zone() {
    let regs = graph(dev()).await;
    let vpc = &of_type(&regs, "aws:ec2/vpc:Vpc")[0];
    assert_eq!(vpc.input("enableDnsSupport"), Some(json!(true)));
    assert_eq!(vpc.input("enableDnsHostnames"), Some(json!(true)));
    let default_sg = &of_type(&regs, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")[0];
    assert!(default_sg.input("ingress").is_none() && default_sg.input("egress").is_none());
    let component = regs
        .iter()
        .find(|r| r.type_token == "heartbeat:network:Network")
        .unwrap();
    let outputs = component.registered_outputs.clone().unwrap();
    assert_eq!(outputs["vpcId"], json!(vpc.id));
    assert_eq!(outputs["zones"], json!(["eu-west-1a", "eu-west-1b"]));
    let subnets = outputs["subnets"].as_array().unwrap();
    for (entry, zone) in subnets.iter().zip(["eu-west-1a", "eu-west-1b"]) {
        assert_eq!(entry["zone"], json!(zone));
        for tier in ["public", "private"] {
            let subnet = by_id(&regs, entry[tier].as_str().unwrap());
            assert_eq!(str_input(subnet, "availabilityZone"), zone);
            assert!(subnet.name.contains(&format!("-{tier}-")));
        }
    }
}

#[tokio::test]
async fn a_preview_registers_the_same_graph_with_unknown_ids() {
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
    let route = of_type(&preview, "aws:ec2/route:Route")[0];
    assert!(route.input_is_unknown("routeTableId"));
}

async fn problems(config: NetworkConfig) -> String {
    let (registrations, result) = synth(config, Mode::Update).await;
    assert!(
        registrations.is_empty(),
        "nothing may be registered on bad config"
    );
    format!("{:#}", result.unwrap_err())
}

#[tokio::test]
async fn bad_config_is_refused_before_anything_is_registered() {
    let message = problems(NetworkConfig {
        zones: vec!["us-east-1a".into(), "eu-west-1z".into()],
        ..dev()
    })
    .await;
    assert!(
        message.contains("heartbeat-platform:network.zones[0] = us-east-1a"),
        "{message}"
    );
    assert!(
        message.contains("heartbeat-platform:network.zones[1] = eu-west-1z"),
        "{message}"
    );

    let message = problems(NetworkConfig {
        cidr: "10.0.0.0/24".parse().unwrap(),
        ..prod()
    })
    .await;
    assert!(
        message.contains("heartbeat-platform:network.cidr = 10.0.0.0/24"),
        "{message}"
    );
    assert!(message.contains("too small for 6 subnets"), "{message}");
    assert!(message.contains("/21 or shorter"), "{message}");

    let message = problems(NetworkConfig {
        zones: vec!["eu-west-1a".into()],
        flow_logs: FlowLogsConfig {
            enabled: true,
            retention_days: 0,
        },
        ..dev()
    })
    .await;
    assert!(message.contains("network.zones"), "{message}");
    assert!(
        message.contains("network.flowLogs.retentionDays = 0"),
        "{message}"
    );
}

#[test]
fn subnets_are_carved_public_first_then_private() {
    let layout = prod().subnet_layout();
    let got: Vec<(String, String, String)> = layout
        .iter()
        .map(|z| (z.zone.clone(), z.public.to_string(), z.private.to_string()))
        .collect();
    assert_eq!(
        got,
        [
            ("eu-west-1a", "10.20.0.0/19", "10.20.96.0/19"),
            ("eu-west-1b", "10.20.32.0/19", "10.20.128.0/19"),
            ("eu-west-1c", "10.20.64.0/19", "10.20.160.0/19"),
        ]
        .map(|(a, b, c)| (a.to_owned(), b.to_owned(), c.to_owned()))
    );
}

#[test]
fn the_config_section_has_documented_defaults() {
    let config: NetworkConfig = serde_json::from_value(
        json!({"cidr": "10.0.0.0/16", "zones": ["eu-west-1a", "eu-west-1b"]}),
    )
    .unwrap();
    assert!(!config.nat_gateway_per_zone);
    assert_eq!(
        config.vpc_endpoints,
        VpcEndpointsConfig {
            s3_gateway: true,
            ecr_and_sts: false
        }
    );
    assert_eq!(
        config.flow_logs,
        FlowLogsConfig {
            enabled: false,
            retention_days: 30
        }
    );
    let typo = serde_json::from_value::<NetworkConfig>(
        json!({"cidr": "10.0.0.0/16", "zones": [], "flowLogs": {"retention": 3}}),
    );
    assert!(
        typo.unwrap_err()
            .to_string()
            .contains("unknown field `retention`")
    );
}
