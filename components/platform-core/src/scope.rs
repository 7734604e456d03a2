//! The component pattern: a [`ComponentScope`] registers a component resource
//! (`heartbeat:<module>:<Name>`), names and tags its children in one way, parents them to it,
//! and registers its outputs at the end.

use std::collections::BTreeMap;

use pulumi_runtime::{
    AsResource, ComponentResource, Context, CustomResource, ProviderResource, ResourceOptions,
};
use serde::Serialize;

/// The aws provider plugin version the program asks for.
pub const AWS_PROVIDER_VERSION: &str = "7.0.0";

/// The tags every AWS resource carries.
pub type Tags = BTreeMap<String, String>;

/// The registration context of one component instance.
#[derive(Clone)]
pub struct ComponentScope {
    ctx: Context,
    component: ComponentResource,
    name: String,
    module: &'static str,
}

/// The type token of a heartbeat-platform component: `heartbeat:<module>:<Name>`.
pub fn component_type(module: &str, type_name: &str) -> String {
    format!("heartbeat:{module}:{type_name}")
}

impl ComponentScope {
    /// Registers component `type_name` of `module` named `name`.
    pub fn new(
        ctx: &Context,
        module: &'static str,
        type_name: &str,
        name: &str,
        options: ResourceOptions,
    ) -> Self {
        let component = ctx.register_component(&component_type(module, type_name), name, options);
        Self {
            ctx: ctx.clone(),
            component,
            name: name.to_owned(),
            module,
        }
    }

    /// The engine context.
    pub fn ctx(&self) -> &Context {
        &self.ctx
    }

    /// The component resource (for `depends_on`).
    pub fn component(&self) -> &ComponentResource {
        &self.component
    }

    /// The component instance's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The one naming rule: a child's logical name is `<component name>-<part>`.
    pub fn child_name(&self, part: &str) -> String {
        format!("{}-{part}", self.name)
    }

    /// Options that parent a child to this component.
    pub fn child_options(&self) -> ResourceOptions {
        ResourceOptions::new().parent(&self.component)
    }

    /// The tags every AWS resource of this component carries, plus `Name`.
    pub fn tags(&self, part: &str) -> Tags {
        let ctx = &self.ctx;
        Tags::from([
            (
                "Name".into(),
                format!("{}-{}", ctx.stack(), self.child_name(part)),
            ),
            ("heartbeat:project".into(), ctx.project().into()),
            ("heartbeat:stack".into(), ctx.stack().into()),
            ("heartbeat:component".into(), self.module.into()),
            ("managed-by".into(), "pulumi".into()),
        ])
    }

    /// Registers an AWS resource from its typed inputs, tagged and parented.
    pub fn aws<I: AwsInputs>(&self, part: &str, inputs: I) -> CustomResource {
        self.aws_with(part, inputs, self.child_options())
    }

    /// As [`ComponentScope::aws`], with extra options (which must keep the parent).
    pub fn aws_with<I: AwsInputs>(
        &self,
        part: &str,
        mut inputs: I,
        options: ResourceOptions,
    ) -> CustomResource {
        if let Some(tags) = inputs.tags_mut() {
            let mut merged = self.tags(part);
            merged.append(tags);
            *tags = merged;
        }
        self.ctx.register_custom(
            I::TYPE_TOKEN,
            &self.child_name(part),
            &inputs,
            options.version(AWS_PROVIDER_VERSION),
        )
    }

    /// Registers a child that is itself a component, of another module's type.
    pub fn child_scope(&self, module: &'static str, type_name: &str, part: &str) -> ComponentScope {
        ComponentScope::new(
            &self.ctx,
            module,
            type_name,
            &self.child_name(part),
            self.child_options(),
        )
    }

    /// Registers a Kubernetes object through `provider`; its logical name is
    /// `<component>-<kind>-<namespace>-<name>`.
    pub fn kubernetes<K>(
        &self,
        provider: &ProviderResource,
        manifest: &crate::kubernetes::Manifest<K>,
    ) -> CustomResource
    where
        K: kube::Resource<DynamicType = ()> + Serialize,
    {
        self.kubernetes_with(provider, manifest, ResourceOptions::new())
    }

    /// As [`ComponentScope::kubernetes`], with extra options (dependencies, ignore_changes).
    pub fn kubernetes_with<K>(
        &self,
        provider: &ProviderResource,
        manifest: &crate::kubernetes::Manifest<K>,
        options: ResourceOptions,
    ) -> CustomResource
    where
        K: kube::Resource<DynamicType = ()> + Serialize,
    {
        let options = options.parent(&self.component).provider(provider);
        self.ctx.register_custom(
            &crate::kubernetes::type_token::<K>(),
            &self.child_name(&manifest.name_part()),
            manifest,
            options,
        )
    }

    /// Registers the component's outputs and returns them.
    pub fn finish<O: Serialize>(&self, outputs: O) -> O {
        self.ctx.register_outputs(&self.component, &outputs);
        outputs
    }
}

impl AsResource for ComponentScope {
    fn resource(&self) -> &pulumi_runtime::Resource {
        self.component.resource()
    }
}

/// Typed inputs of one AWS resource type; the serde field names are the `pulumi-aws` (v7)
/// provider's property names.
pub trait AwsInputs: Serialize {
    /// The resource's type token, such as `aws:ec2/vpc:Vpc`.
    const TYPE_TOKEN: &'static str;

    /// The resource's `tags` map, if the type is taggable.
    fn tags_mut(&mut self) -> Option<&mut Tags>;
}
