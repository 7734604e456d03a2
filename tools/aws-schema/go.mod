// Extracts resource tokens, input and state property names and types from the official
// pulumi-aws Go SDK's source (go/parser only: the SDK is never compiled).
module heartbeat-platform/tools/aws-schema

go 1.24
