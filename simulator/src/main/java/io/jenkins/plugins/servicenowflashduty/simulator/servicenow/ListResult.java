package io.jenkins.plugins.servicenowflashduty.simulator.servicenow;

import java.util.List;
import java.util.Map;

/** One page of a list query and how many rows matched in all. */
record ListResult(List<Map<String, String>> page, int total) {
}
