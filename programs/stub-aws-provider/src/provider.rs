//! The `ResourceProvider` service of the stub: check, plan and fake every AWS resource.

use std::collections::BTreeSet;
use std::sync::RwLock;

use pulumi_gestalt_proto::pulumi::pulumirpc::diff_response::DiffChanges;
use pulumi_gestalt_proto::pulumi::pulumirpc::resource_provider_server::ResourceProvider;
use pulumi_gestalt_proto::pulumi::pulumirpc::{
    CallRequest, CallResponse, CheckFailure, CheckRequest, CheckResponse, ConfigureRequest,
    ConfigureResponse, ConstructRequest, ConstructResponse, CreateRequest, CreateResponse,
    DeleteRequest, DiffRequest, DiffResponse, GetMappingRequest, GetMappingResponse,
    GetMappingsRequest, GetMappingsResponse, GetSchemaRequest, GetSchemaResponse, InvokeRequest,
    InvokeResponse, ParameterizeRequest, ParameterizeResponse, PluginAttach, PluginInfo,
    ProviderHandshakeRequest, ProviderHandshakeResponse, ReadRequest, ReadResponse, UpdateRequest,
    UpdateResponse,
};
use serde_json::{Map, Value as Json, json};
use tonic::{Request, Response, Status};

use crate::convert::{map_to_struct, opt_struct_to_map};
use crate::fabricate::{FAKE_ACCOUNT, Fake, fnv_hex};
use crate::schema::Schema;
use crate::validate::{self, Mode};

/// Region used when the configuration names none.
const DEFAULT_REGION: &str = "us-east-1";

/// The stub provider: the SDK schema and the configured region.
#[derive(Debug)]
pub struct StubAwsProvider {
    schema: Schema,
    region: RwLock<String>,
}

/// The resource type of a URN (`urn:pulumi:stack::project::parent$type::name`).
pub fn type_from_urn(urn: &str) -> &str {
    let qualified = urn.split("::").nth(2).unwrap_or_default();
    qualified.rsplit('$').next().unwrap_or(qualified)
}

/// The logical name of a URN.
fn name_from_urn(urn: &str) -> &str {
    urn.rsplit("::").next().unwrap_or(urn)
}

/// Top-level properties whose values differ between `olds` and `news`, minus ignored ones.
pub fn changed_properties(
    olds: &Map<String, Json>,
    news: &Map<String, Json>,
    ignore: &[String],
) -> Vec<String> {
    let keys: BTreeSet<&String> = olds.keys().chain(news.keys()).collect();
    keys.into_iter()
        .filter(|key| !ignore.contains(key) && olds.get(*key) != news.get(*key))
        .cloned()
        .collect()
}

fn diff_response(changed: Vec<String>) -> DiffResponse {
    let changes = if changed.is_empty() {
        DiffChanges::DiffNone
    } else {
        DiffChanges::DiffSome
    };
    DiffResponse {
        changes: changes as i32,
        diffs: changed,
        ..Default::default()
    }
}

fn failures(found: Vec<validate::Failure>) -> Vec<CheckFailure> {
    found
        .into_iter()
        .map(|f| CheckFailure {
            property: f.property,
            reason: f.reason,
        })
        .collect()
}

impl StubAwsProvider {
    /// A stub checking against `schema`.
    pub fn new(schema: Schema) -> Self {
        Self {
            schema,
            region: RwLock::new(DEFAULT_REGION.to_owned()),
        }
    }

    fn region(&self) -> String {
        self.region
            .read()
            .map(|r| r.clone())
            .unwrap_or_else(|_| DEFAULT_REGION.to_owned())
    }

    /// Validates resource inputs and fills in `name` the way pulumi-aws autonames
    /// (`<logical name>-<7 hex>`, kept from the old inputs when present).
    pub fn check_resource(
        &self,
        urn: &str,
        token: &str,
        olds: &Map<String, Json>,
        news: &Map<String, Json>,
    ) -> (Map<String, Json>, Vec<validate::Failure>) {
        let found = validate::check(&self.schema, token, news, Mode::Strict);
        let mut inputs = news.clone();
        let autonamed = self
            .schema
            .resources
            .get(token)
            .is_some_and(|r| r.inputs.get("name").is_some_and(|t| t == "string"));
        if autonamed && !inputs.contains_key("name") {
            let name = olds
                .get("name")
                .cloned()
                .unwrap_or_else(|| json!(format!("{}-{}", name_from_urn(urn), &fnv_hex(urn)[..7])));
            inputs.insert("name".into(), name);
        }
        (inputs, found)
    }

    fn fake<'a>(&self, token: &'a str, urn: &'a str, region: &'a str) -> Fake<'a> {
        Fake { token, urn, region }
    }

    fn invoke_result(&self, token: &str) -> Result<Json, String> {
        let region = self.region();
        match token {
            "aws:index/getAvailabilityZones:getAvailabilityZones" => {
                let names: Vec<String> = ["a", "b", "c"]
                    .iter()
                    .map(|z| format!("{region}{z}"))
                    .collect();
                Ok(
                    json!({"id": region, "names": names, "zoneIds": ["use1-az1", "use1-az2", "use1-az3"], "groupNames": [region]}),
                )
            }
            "aws:index/getCallerIdentity:getCallerIdentity" => Ok(json!({
                "id": FAKE_ACCOUNT, "accountId": FAKE_ACCOUNT, "userId": "STUB",
                "arn": format!("arn:aws:iam::{FAKE_ACCOUNT}:user/stub")
            })),
            "aws:index/getRegion:getRegion" => {
                Ok(json!({"id": region, "name": region, "region": region}))
            }
            other => Err(format!(
                "the offline stub AWS provider does not implement the function {other}; it supports \
                 getAvailabilityZones, getCallerIdentity and getRegion"
            )),
        }
    }
}

fn token_of<'a>(ty: &'a str, urn: &'a str) -> &'a str {
    if ty.is_empty() {
        type_from_urn(urn)
    } else {
        ty
    }
}

#[tonic::async_trait]
impl ResourceProvider for StubAwsProvider {
    async fn handshake(
        &self,
        _: Request<ProviderHandshakeRequest>,
    ) -> Result<Response<ProviderHandshakeResponse>, Status> {
        Err(Status::unimplemented(
            "the stub uses the legacy (Configure) protocol",
        ))
    }

    async fn parameterize(
        &self,
        _: Request<ParameterizeRequest>,
    ) -> Result<Response<ParameterizeResponse>, Status> {
        Err(Status::unimplemented(
            "the stub AWS provider is not parameterizable",
        ))
    }

    async fn get_schema(
        &self,
        _: Request<GetSchemaRequest>,
    ) -> Result<Response<GetSchemaResponse>, Status> {
        let schema =
            json!({"name": self.schema.package, "version": self.schema.version}).to_string();
        Ok(Response::new(GetSchemaResponse { schema }))
    }

    async fn check_config(
        &self,
        request: Request<CheckRequest>,
    ) -> Result<Response<CheckResponse>, Status> {
        let request = request.into_inner();
        let news = opt_struct_to_map(request.news.as_ref());
        let found = validate::check(
            &self.schema,
            &self.schema.provider_token(),
            &news,
            Mode::Config,
        );
        Ok(Response::new(CheckResponse {
            inputs: Some(map_to_struct(&news)),
            failures: failures(found),
        }))
    }

    async fn diff_config(
        &self,
        request: Request<DiffRequest>,
    ) -> Result<Response<DiffResponse>, Status> {
        Ok(Response::new(diff_inputs(&request.into_inner())))
    }

    async fn configure(
        &self,
        request: Request<ConfigureRequest>,
    ) -> Result<Response<ConfigureResponse>, Status> {
        let request = request.into_inner();
        let args = opt_struct_to_map(request.args.as_ref());
        let region = args
            .get("region")
            .and_then(Json::as_str)
            .map(str::to_owned)
            .or_else(|| request.variables.get("aws:config:region").cloned())
            .or_else(|| request.variables.get("aws:region").cloned());
        if let (Some(region), Ok(mut current)) = (region, self.region.write()) {
            *current = region;
        }
        Ok(Response::new(ConfigureResponse {
            accept_secrets: false,
            supports_preview: false,
            accept_resources: false,
            accept_outputs: false,
            supports_autonaming_configuration: false,
        }))
    }

    async fn invoke(
        &self,
        request: Request<InvokeRequest>,
    ) -> Result<Response<InvokeResponse>, Status> {
        let token = request.into_inner().tok;
        Ok(Response::new(match self.invoke_result(&token) {
            Ok(Json::Object(result)) => InvokeResponse {
                r#return: Some(map_to_struct(&result)),
                failures: vec![],
            },
            Ok(_) => InvokeResponse::default(),
            Err(reason) => InvokeResponse {
                r#return: None,
                failures: vec![CheckFailure {
                    property: String::new(),
                    reason,
                }],
            },
        }))
    }

    async fn call(&self, _: Request<CallRequest>) -> Result<Response<CallResponse>, Status> {
        Err(Status::unimplemented(
            "the stub AWS provider has no methods",
        ))
    }

    async fn check(
        &self,
        request: Request<CheckRequest>,
    ) -> Result<Response<CheckResponse>, Status> {
        let request = request.into_inner();
        let token = token_of(&request.r#type, &request.urn);
        let olds = opt_struct_to_map(request.olds.as_ref());
        let news = opt_struct_to_map(request.news.as_ref());
        let (inputs, found) = self.check_resource(&request.urn, token, &olds, &news);
        Ok(Response::new(CheckResponse {
            inputs: Some(map_to_struct(&inputs)),
            failures: failures(found),
        }))
    }

    async fn diff(&self, request: Request<DiffRequest>) -> Result<Response<DiffResponse>, Status> {
        Ok(Response::new(diff_inputs(&request.into_inner())))
    }

    async fn create(
        &self,
        request: Request<CreateRequest>,
    ) -> Result<Response<CreateResponse>, Status> {
        let request = request.into_inner();
        let token = token_of(&request.r#type, &request.urn);
        let region = self.region();
        let fake = self.fake(token, &request.urn, &region);
        let inputs = opt_struct_to_map(request.properties.as_ref());
        let id = fake.id(&inputs);
        let outputs = fake.outputs(&self.schema, &id, &inputs);
        Ok(Response::new(CreateResponse {
            id,
            properties: Some(map_to_struct(&outputs)),
            refresh_before_update: false,
        }))
    }

    async fn read(&self, request: Request<ReadRequest>) -> Result<Response<ReadResponse>, Status> {
        let request = request.into_inner();
        Ok(Response::new(ReadResponse {
            id: request.id,
            properties: request.properties,
            inputs: request.inputs,
            refresh_before_update: false,
        }))
    }

    async fn update(
        &self,
        request: Request<UpdateRequest>,
    ) -> Result<Response<UpdateResponse>, Status> {
        let request = request.into_inner();
        let token = token_of(&request.r#type, &request.urn);
        let region = self.region();
        let news = opt_struct_to_map(request.news.as_ref());
        let outputs =
            self.fake(token, &request.urn, &region)
                .outputs(&self.schema, &request.id, &news);
        Ok(Response::new(UpdateResponse {
            properties: Some(map_to_struct(&outputs)),
            refresh_before_update: false,
        }))
    }

    async fn delete(&self, _: Request<DeleteRequest>) -> Result<Response<()>, Status> {
        Ok(Response::new(()))
    }

    async fn construct(
        &self,
        _: Request<ConstructRequest>,
    ) -> Result<Response<ConstructResponse>, Status> {
        Err(Status::unimplemented(
            "the stub AWS provider has no component resources",
        ))
    }

    async fn cancel(&self, _: Request<()>) -> Result<Response<()>, Status> {
        Ok(Response::new(()))
    }

    async fn get_plugin_info(&self, _: Request<()>) -> Result<Response<PluginInfo>, Status> {
        Ok(Response::new(PluginInfo {
            version: self.schema.version.clone(),
        }))
    }

    async fn attach(&self, _: Request<PluginAttach>) -> Result<Response<()>, Status> {
        Err(Status::unimplemented(
            "the stub AWS provider is always started by the engine",
        ))
    }

    async fn get_mapping(
        &self,
        _: Request<GetMappingRequest>,
    ) -> Result<Response<GetMappingResponse>, Status> {
        Ok(Response::new(GetMappingResponse::default()))
    }

    async fn get_mappings(
        &self,
        _: Request<GetMappingsRequest>,
    ) -> Result<Response<GetMappingsResponse>, Status> {
        Ok(Response::new(GetMappingsResponse::default()))
    }
}

/// The answer to DiffConfig and Diff alike: the changed input properties, old against new.
fn diff_inputs(request: &DiffRequest) -> DiffResponse {
    let olds = opt_struct_to_map(request.old_inputs.as_ref().or(request.olds.as_ref()));
    let news = opt_struct_to_map(request.news.as_ref());
    diff_response(changed_properties(&olds, &news, &request.ignore_changes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urn_type_takes_the_last_type_of_the_chain() {
        assert_eq!(
            type_from_urn("urn:pulumi:dev::hb::heartbeat:Network$aws:ec2/vpc:Vpc::main"),
            "aws:ec2/vpc:Vpc"
        );
    }

    #[test]
    fn changed_properties_ignore_listed_keys() {
        let olds = json!({"a": 1, "b": 2, "c": 3});
        let news = json!({"a": 1, "b": 5, "d": 4});
        let changed = changed_properties(
            olds.as_object().unwrap(),
            news.as_object().unwrap(),
            &["d".into()],
        );
        assert_eq!(changed, vec!["b".to_owned(), "c".to_owned()]);
    }
}
