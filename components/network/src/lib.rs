//! The Network component (`heartbeat:network:Network`): the multi-zone VPC the platform runs in.
//!
//! It provisions, in dependency order:
//!
//! - a VPC with DNS support and host names, its internet gateway, and the default security
//!   group emptied of rules ([`vpc`]);
//! - per zone, a public and a private subnet carved from the VPC range
//!   ([`NetworkConfig::subnet_layout`]), tagged for EKS load-balancer discovery ([`subnets`]);
//! - NAT gateways with Elastic IPs: one per zone with `natGatewayPerZone`, else one shared
//!   ([`nat`]);
//! - a public route table to the internet gateway and a private route table per zone to the
//!   zone's NAT gateway ([`routing`]);
//! - a network ACL per tier ([`acls`]), a baseline security group, and the EKS API's two
//!   groups: "API clients" (egress only; what joins it reaches the API) and "API endpoint"
//!   (for the control plane's interfaces: HTTPS from API clients and from
//!   [`NetworkArgs::api_access_ranges`]) ([`security_groups`]);
//! - optionally the S3 gateway and ECR/STS interface endpoints ([`endpoints`]) and flow logs to
//!   S3 ([`flow_logs`]).
//!
//! Inputs: [`NetworkArgs`] (the config section, the region, the EKS cluster name the subnets
//! are shared with, the outside ranges admitted to its API). Outputs: [`Network`] (VPC id,
//! subnet ids by zone and tier, zones, security groups).
//!
//! ```no_run
//! # async fn demo(ctx: pulumi_runtime::Context) -> anyhow::Result<()> {
//! use network::{Network, NetworkArgs, NetworkConfig};
//! let config = NetworkConfig {
//!     zones: vec!["eu-west-1a".into(), "eu-west-1b".into()],
//!     ..NetworkConfig::default()
//! };
//! let args = NetworkArgs {
//!     config: &config,
//!     region: "eu-west-1",
//!     cluster_name: "heartbeat-dev",
//!     api_access_ranges: &[],
//! };
//! let network = Network::new(&ctx, "network", &args, pulumi_runtime::ResourceOptions::new())?;
//! let _private = network.private_subnet_ids();
//! # Ok(()) }
//! ```

pub mod acls;
pub mod computed_outputs;
mod config;
pub mod endpoints;
pub mod flow_logs;
pub mod nat;
pub mod routing;
pub mod security_groups;
pub mod subnets;
pub mod vpc;

pub use config::{
    FlowLogsConfig, MAX_SUBNET_PREFIX, NetworkConfig, VpcEndpointsConfig, ZoneRanges,
};

use ipnet::Ipv4Net;
use platform_core::{ComponentScope, ConfigError, Problems};
use pulumi_runtime::{Context, Output, ResourceOptions};
use serde::Serialize;

use crate::subnets::Tier;

/// What [`Network::new`] needs.
#[derive(Debug, Clone, Copy)]
pub struct NetworkArgs<'a> {
    /// Config section `heartbeat-platform:network`.
    pub config: &'a NetworkConfig,
    /// The AWS region (`aws:region`); zones must belong to it.
    pub region: &'a str,
    /// The EKS cluster that will share the subnets (their `kubernetes.io/cluster/<name>` tag).
    pub cluster_name: &'a str,
    /// Ranges outside the VPC (a VPN, a peered VPC) that reach the cluster's private API
    /// endpoint: admitted on TCP 443 by the private tier's ACL and the API endpoint group.
    /// The caller validates them (EksCluster's `apiAccessCidrs`).
    pub api_access_ranges: &'a [Ipv4Net],
}

/// The subnet ids of one zone.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ZoneSubnets {
    /// The availability zone.
    pub zone: String,
    /// The public subnet (load balancers, NAT gateway).
    pub public: Output<String>,
    /// The private subnet (nodes).
    pub private: Output<String>,
}

/// What the Network component hands to the components that follow.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Network {
    /// The region the VPC is in.
    pub region: String,
    /// The EKS cluster name the subnets are tagged for; EksCluster takes it from here.
    pub cluster_name: String,
    /// The VPC id.
    pub vpc_id: Output<String>,
    /// The VPC's IPv4 range.
    pub vpc_cidr: Ipv4Net,
    /// The zones spanned, in order.
    pub zones: Vec<String>,
    /// The subnets of each zone, in zone order.
    pub subnets: Vec<ZoneSubnets>,
    /// The baseline security group: members reach each other, egress anywhere.
    pub baseline_security_group_id: Output<String>,
    /// The API clients group: egress only; launch a deploy runner or bastion in it to reach
    /// the cluster API.
    pub api_clients_security_group_id: Output<String>,
    /// The API endpoint group, for the control plane's interfaces: HTTPS from API clients and
    /// the API access ranges.
    pub api_endpoint_security_group_id: Output<String>,
    /// The outside ranges admitted to the cluster API ([`NetworkArgs::api_access_ranges`]).
    pub api_access_ranges: Vec<Ipv4Net>,
}

impl Network {
    /// Validates the config, then provisions the network. A config problem is returned before
    /// anything is registered.
    pub fn new(
        ctx: &Context,
        name: &str,
        args: &NetworkArgs<'_>,
        options: ResourceOptions,
    ) -> Result<Self, ConfigError> {
        let config = args.config;
        let mut problems = Problems::new("heartbeat-platform:network");
        config.validate(args.region, &mut problems);
        problems.into_result()?;

        let scope = ComponentScope::new(ctx, "network", "Network", name, options);
        let cidr = config.cidr.to_string();
        let core = vpc::register(&scope, &cidr);
        let vpc_id = core.vpc.id();
        let zone_subnets =
            subnets::register(&scope, &vpc_id, &config.subnet_layout(), args.cluster_name);
        let nat_gateways = nat::register(
            &scope,
            &zone_subnets,
            config.nat_gateway_per_zone,
            &core.internet_gateway,
        );
        let private_route_tables = routing::register(
            &scope,
            &vpc_id,
            &zone_subnets,
            &core.internet_gateway,
            &nat_gateways,
        );
        let public_ids: Vec<_> = zone_subnets.iter().map(|z| z.public.id()).collect();
        let private_ids: Vec<_> = zone_subnets.iter().map(|z| z.private.id()).collect();
        let api_ranges: Vec<String> = args
            .api_access_ranges
            .iter()
            .map(|r| r.to_string())
            .collect();
        acls::register(&scope, Tier::Public, &vpc_id, &cidr, &[], public_ids);
        acls::register(
            &scope,
            Tier::Private,
            &vpc_id,
            &cidr,
            &api_ranges,
            private_ids.clone(),
        );
        let baseline = security_groups::baseline(&scope, &vpc_id);
        let api_clients = security_groups::api_clients(&scope, &vpc_id);
        let api_endpoint =
            security_groups::api_endpoint(&scope, &vpc_id, &api_clients, &api_ranges);

        if config.vpc_endpoints.s3_gateway {
            endpoints::s3_gateway(&scope, args.region, &vpc_id, &private_route_tables);
        }
        if config.vpc_endpoints.ecr_and_sts {
            let group = security_groups::endpoints(&scope, &vpc_id, &cidr);
            endpoints::interfaces(&scope, args.region, &vpc_id, &private_ids, &group);
        }
        if config.flow_logs.enabled {
            flow_logs::register(&scope, &vpc_id, config.flow_logs.retention_days);
        }

        Ok(scope.finish(Network {
            region: args.region.to_owned(),
            cluster_name: args.cluster_name.to_owned(),
            vpc_id,
            vpc_cidr: config.cidr,
            zones: config.zones.clone(),
            subnets: zone_subnets
                .iter()
                .map(|z| ZoneSubnets {
                    zone: z.zone.clone(),
                    public: z.public.id(),
                    private: z.private.id(),
                })
                .collect(),
            baseline_security_group_id: baseline.id(),
            api_clients_security_group_id: api_clients.id(),
            api_endpoint_security_group_id: api_endpoint.id(),
            api_access_ranges: args.api_access_ranges.to_vec(),
        }))
    }

    /// The private subnet ids, in zone order (nodes go here).
    pub fn private_subnet_ids(&self) -> Vec<Output<String>> {
        self.subnets.iter().map(|z| z.private.clone()).collect()
    }
}
