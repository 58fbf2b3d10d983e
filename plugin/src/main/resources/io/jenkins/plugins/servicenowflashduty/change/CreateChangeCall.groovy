package io.jenkins.plugins.servicenowflashduty.change

import org.jenkinsci.plugins.workflow.cps.CpsScript

/**
 * What serviceNowCreateChange(...) calls: with a block, the step serviceNowCreateChange; without one,
 * serviceNowOpenChange. Runs as Pipeline code, loaded by CreateChangeVariable.
 */
class CreateChangeCall implements Serializable {
    private static final long serialVersionUID = 1L
    private final CpsScript script

    CreateChangeCall(CpsScript script) {
        this.script = script
    }

    def call() {
        call([:])
    }

    def call(Map args) {
        script.steps.serviceNowOpenChange(args)
    }

    def call(Closure body) {
        call([:], body)
    }

    def call(Map args, Closure body) {
        script.steps.serviceNowCreateChange(args, body)
    }
}
