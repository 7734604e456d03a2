//! An in-process mock of the Pulumi engine's ResourceMonitor and Engine services, for tests.
