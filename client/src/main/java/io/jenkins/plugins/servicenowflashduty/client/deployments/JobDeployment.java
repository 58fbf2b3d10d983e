package io.jenkins.plugins.servicenowflashduty.client.deployments;

/**
 * A deployment with the job that ran it.
 *
 * @param job the job's full name
 * @param buildUrl the build's address (absolute, or relative to Jenkins's root)
 */
public record JobDeployment(String job, String buildUrl, Deployment deployment) {
}
