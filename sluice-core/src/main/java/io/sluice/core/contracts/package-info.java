/**
 * The contracts that the homes (sluice-local, sluice-aws) and the infrastructure (sluice-infra) share, as plain
 * data: no AWS, HTTP or database type (issue 15). The archive's columns, the tables' key schemas, the stack
 * outputs the tools read, the functions' environment variables and the environment-suffix rule are written here
 * once; the CDK app declares from them and the runtime code reads by them, so the two cannot drift (INF-12).
 */
package io.sluice.core.contracts;
