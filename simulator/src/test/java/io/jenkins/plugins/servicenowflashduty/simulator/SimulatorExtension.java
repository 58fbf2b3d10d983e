package io.jenkins.plugins.servicenowflashduty.simulator;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives every test its own running simulator, closed when the test ends. A test or {@code @BeforeEach}
 * method asks for it by declaring a {@link Simulator} parameter, or a {@link SimHttp} one (signed in as the
 * integration user); all parameters of one test share the same simulator.
 */
final class SimulatorExtension implements ParameterResolver, AfterEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SimulatorExtension.class);
    private static final String KEY = "simulator";

    /** Starts the test's simulator on a clock stopped at this instant (ISO-8601), for tests that count on time not moving. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @interface FixedClock {
        String value();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == Simulator.class || type == SimHttp.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Simulator sim = context.getStore(NAMESPACE).getOrComputeIfAbsent(KEY, k -> start(context), Simulator.class);
        return parameter.getParameter().getType() == Simulator.class ? sim : SimHttp.jenkins(sim);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Simulator sim = context.getStore(NAMESPACE).remove(KEY, Simulator.class);
        if (sim != null) {
            sim.close();
        }
    }

    private static Simulator start(ExtensionContext context) {
        FixedClock fixed = context.getTestMethod().map(m -> m.getAnnotation(FixedClock.class)).orElse(null);
        if (fixed == null) {
            return Simulator.start();
        }
        return Simulator.start("127.0.0.1", 0, new SimClock(Clock.fixed(Instant.parse(fixed.value()), ZoneOffset.UTC)));
    }
}
