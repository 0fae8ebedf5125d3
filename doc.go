// Package ferry holds Ferry's domain: users, namespaces (users' personal
// namespaces and groups), projects, members with GitLab's access levels,
// personal access tokens and application settings, plus the error kinds that
// every layer shares. It does no I/O; the store, the API and the jobs build
// on these types.
//
// Ferry implements GitLab's project import/export REST API and GitLab's
// project export archive, so that GitLab's own clients work against it
// unchanged.
package ferry
