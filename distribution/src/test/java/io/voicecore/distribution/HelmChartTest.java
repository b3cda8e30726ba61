package io.voicecore.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.voicecore.kernel.config.ConfigLoader;
import io.voicecore.kernel.config.KernelConfig;
import io.voicecore.kernel.plugins.PluginManifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Helm chart in {@code helm/voicecore}, checked by Helm itself and by the Kubernetes API types: it lints, renders with
 * its default values and with every {@code values-*.yaml}, every rendered object reads strictly into its Kubernetes type,
 * and the objects have what a production deployment of the kernel needs.
 */
class HelmChartTest {
    static final Path CHART = Path.of("helm/voicecore");
    /** The paths the kernel serves for probes; the tarball's test asks a real kernel for each. */
    static final Set<String> HEALTH_PATHS = TarballIT.HEALTH_PATHS;

    @Test
    void theChartLintsStrictly() {
        LintResult lint = new Helm(CHART).lint().strict().call();
        assertFalse(lint.isFailed(), "helm lint --strict: " + lint.getMessages());
    }

    @Test
    void everyValuesFileRendersAProductionDeployment() throws IOException {
        List<Path> valuesFiles;
        try (Stream<Path> files = Files.list(CHART)) {
            valuesFiles = files.filter(f -> f.getFileName().toString().matches("values-.+\\.yaml")).sorted().toList();
        }
        assertFalse(valuesFiles.isEmpty(), "values-external.yaml at least");
        Rendered defaults = render(Optional.empty());
        checkDeployment(defaults);
        checkOwnSecrets(defaults);
        for (Path values : valuesFiles) {
            Rendered rendered = render(Optional.of(values));
            checkDeployment(rendered);
        }
    }

    @Test
    void anExistingSecretReplacesTheChartsOwn() {
        Rendered external = render(Optional.of(CHART.resolve("values-external.yaml")));
        assertTrue(external.all(Secret.class).isEmpty(), "no Secret of the chart's own");
        for (Container container : external.containers()) {
            for (EnvVar env : container.getEnv()) {
                if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null) {
                    assertEquals("voicecore-credentials", env.getValueFrom().getSecretKeyRef().getName(), env.getName());
                }
            }
        }
        assertEquals(Duration.ofSeconds(300), external.kernelConfig().pluginMaxStreamTimeout());
        assertEquals(1200, external.kernelConfig().rateLimitPerMinute(), "kernel.config keys reach the kernel");
    }

    @Test
    void aBrokenTemplateOrAnInvalidObjectFailsTheCheck(@TempDir Path copy) throws IOException {
        copyChart(copy, HOOK, HOOK);
        Path deployment = copy.resolve("templates/deployment.yaml");
        String original = Files.readString(deployment);

        Files.writeString(deployment, original.replace("readinessProbe:", "readinesProbe:"));
        KubernetesObjects.InvalidManifestException unknown = assertThrows(KubernetesObjects.InvalidManifestException.class,
                () -> KubernetesObjects.read(new Helm(copy).template().withName("voicecore").call()));
        assertTrue(unknown.getMessage().contains("readinesProbe"), unknown.getMessage());

        Files.writeString(deployment, original.replace("periodSeconds: {{ .Values.probes.liveness.periodSeconds }}",
                                                       "periodSeconds: \"{{ .Values.probes.liveness.periodSeconds }}\""));
        KubernetesObjects.InvalidManifestException wrongType = assertThrows(KubernetesObjects.InvalidManifestException.class,
                () -> KubernetesObjects.read(new Helm(copy).template().withName("voicecore").call()));
        assertTrue(wrongType.getMessage().contains("Deployment"), wrongType.getMessage());

        Files.writeString(deployment, original.replace("{{- include \"voicecore.podBase\" . | nindent 6 }}",
                                                       "{{- include \"voicecore.podBase\" . | nindent 6 }"));
        assertThrows(RuntimeException.class, () -> new Helm(copy).template().withName("voicecore").call(),
                     "a template that does not parse");
    }

    /** What every rendering must hold, whatever the values. */
    private static void checkDeployment(Rendered r) {
        Deployment deployment = r.one(Deployment.class);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        assertTrue(podLabels.entrySet().containsAll(deployment.getSpec().getSelector().getMatchLabels().entrySet()),
                   r.name + ": the selector matches the pods");
        Container kernel = single(pod.getContainers());
        assertEquals(List.of("start"), kernel.getArgs(), r.name);
        int port = kernel.getPorts().stream().filter(p -> "http".equals(p.getName())).findFirst().orElseThrow().getContainerPort();
        assertEquals(r.kernelConfig().port(), port, r.name + ": the container port is the kernel's");

        for (Probe probe : new Probe[] {kernel.getStartupProbe(), kernel.getLivenessProbe(), kernel.getReadinessProbe()}) {
            assertNotNull(probe, r.name + ": startup, liveness and readiness probes");
            HTTPGetAction get = probe.getHttpGet();
            assertTrue(HEALTH_PATHS.contains(get.getPath()), r.name + ": probe path " + get.getPath());
            assertEquals("http", get.getPort().getStrVal(), r.name);
        }
        assertEquals("/observe/health/ready", kernel.getReadinessProbe().getHttpGet().getPath(), r.name);
        assertEquals("/observe/health/live", kernel.getLivenessProbe().getHttpGet().getPath(), r.name);

        // The pod's grace outlasts the kernel's, which outlasts the longest deadline a plugin call may have.
        KernelConfig config = r.kernelConfig();
        long longestPluginDeadline = Math.max(config.pluginMaxStreamTimeout().toSeconds(),
                                              PluginManifest.Limits.MAX_TIMEOUT_MILLIS / 1000);
        long preStop = kernel.getLifecycle() == null ? 0 : kernel.getLifecycle().getPreStop().getSleep().getSeconds();
        assertTrue(config.shutdownGrace().toSeconds() > longestPluginDeadline,
                   r.name + ": shutdown.grace " + config.shutdownGrace() + " > " + longestPluginDeadline + " s");
        assertTrue(pod.getTerminationGracePeriodSeconds() > preStop + config.shutdownGrace().toSeconds(),
                   r.name + ": terminationGracePeriodSeconds " + pod.getTerminationGracePeriodSeconds());
        assertTrue(config.pluginMaxStreamTimeout().toMillis() <= PluginManifest.Limits.MAX_STREAM_TIMEOUT_MILLIS, r.name);

        Job migration = r.one(Job.class);
        Map<String, String> hook = migration.getMetadata().getAnnotations();
        assertEquals(Set.of("pre-install", "pre-upgrade"), Set.of(hook.get("helm.sh/hook").split(",")), r.name);
        PodSpec migrationPod = migration.getSpec().getTemplate().getSpec();
        Container migrate = single(migrationPod.getContainers());
        assertEquals(List.of("migrate"), migrate.getArgs(), r.name);
        assertEquals("Never", migrationPod.getRestartPolicy(), r.name);
        assertEquals(kernel.getImage(), migrate.getImage(), r.name + ": the Job migrates with the nodes' own image");
        assertTrue(migrate.getEnvFrom() == null || migrate.getEnvFrom().isEmpty(),
                   r.name + ": the Job runs before the release's ConfigMap exists, so it reads none");

        for (PodSpec spec : List.of(pod, migrationPod)) {
            assertEquals(Boolean.TRUE, spec.getSecurityContext().getRunAsNonRoot(), r.name);
            for (Container c : spec.getContainers()) {
                assertEquals(Boolean.TRUE, c.getSecurityContext().getRunAsNonRoot(), r.name + " " + c.getName());
                assertEquals(Boolean.TRUE, c.getSecurityContext().getReadOnlyRootFilesystem(), r.name + " " + c.getName());
                assertEquals(Boolean.FALSE, c.getSecurityContext().getAllowPrivilegeEscalation(), r.name + " " + c.getName());
                assertTrue(c.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/tmp")), "a writable /tmp");
                assertTrue(c.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals(config.dataDir().toString())),
                           r.name + ": the data directory is a volume");
                assertNotNull(c.getResources().getRequests().get("memory"), r.name + " " + c.getName());
                assertNotNull(c.getResources().getRequests().get("cpu"), r.name + " " + c.getName());
                assertNotNull(c.getResources().getLimits().get("memory"), r.name + ": the heap is sized from the memory limit");
                String jvm = env(c, "JAVA_TOOL_OPTIONS").getValue();
                assertTrue(jvm.contains("-XX:MaxRAMPercentage="), r.name + ": " + jvm);
                for (String secret : List.of("VOICECORE_DB_URL", "VOICECORE_DB_PASSWORD", "VOICECORE_REDIS_URL", "VOICECORE_MASTER_KEY")) {
                    assertNotNull(env(c, secret).getValueFrom().getSecretKeyRef(), r.name + ": " + secret + " comes from a Secret");
                }
            }
        }

        // Nothing secret in the ConfigMap; every key in it is one the kernel reads.
        ConfigMap settings = r.one(ConfigMap.class);
        Set<String> known = ConfigLoader.keys().stream().map(ConfigLoader::environmentName).collect(Collectors.toSet());
        for (String key : settings.getData().keySet()) {
            assertTrue(known.contains(key), r.name + ": " + key + " is not a kernel setting");
            assertFalse(key.matches("VOICECORE_(DB_URL|DB_USER|DB_PASSWORD|REDIS_URL|MASTER_KEY.*|ADMIN_TOKEN)"),
                        r.name + ": " + key + " belongs in the Secret");
        }

        Service service = r.one(Service.class);
        assertEquals(deployment.getSpec().getSelector().getMatchLabels(), service.getSpec().getSelector(), r.name);
        assertEquals("http", service.getSpec().getPorts().get(0).getTargetPort().getStrVal(), r.name);

        HorizontalPodAutoscaler hpa = r.one(HorizontalPodAutoscaler.class);
        assertEquals(deployment.getMetadata().getName(), hpa.getSpec().getScaleTargetRef().getName(), r.name);
        assertEquals("Deployment", hpa.getSpec().getScaleTargetRef().getKind(), r.name);
        assertTrue(hpa.getSpec().getMinReplicas() >= 2, r.name + ": more than one node");
        assertTrue(hpa.getSpec().getMaxReplicas() >= hpa.getSpec().getMinReplicas(), r.name);

        PodDisruptionBudget pdb = r.one(PodDisruptionBudget.class);
        assertTrue(podLabels.entrySet().containsAll(pdb.getSpec().getSelector().getMatchLabels().entrySet()), r.name);
    }

    /**
     * The chart's own Secrets, made before the Job that reads them: the credentials anew on every upgrade, the master key
     * and admin token only on the first install and kept on uninstall, so no upgrade replaces the key.
     */
    private static void checkOwnSecrets(Rendered r) {
        Map<String, Secret> secrets = r.all(Secret.class).stream()
                .collect(Collectors.toMap(s -> s.getMetadata().getName(), s -> s));
        Secret credentials = secrets.get("voicecore-secrets");
        Secret keys = secrets.get("voicecore-keys");
        assertNotNull(credentials, "the credentials' Secret: " + secrets.keySet());
        assertNotNull(keys, "the keys' Secret: " + secrets.keySet());
        int jobWeight = Integer.parseInt(r.one(Job.class).getMetadata().getAnnotations().get("helm.sh/hook-weight"));
        for (Secret secret : secrets.values()) {
            Map<String, String> annotations = secret.getMetadata().getAnnotations();
            assertTrue(annotations.get("helm.sh/hook").contains("pre-install"), "a hook, so the migration Job can read it");
            assertTrue(Integer.parseInt(annotations.get("helm.sh/hook-weight")) < jobWeight, "made before the Job");
        }
        assertEquals("pre-install", keys.getMetadata().getAnnotations().get("helm.sh/hook"), "never rendered again on upgrade");
        assertEquals("keep", keys.getMetadata().getAnnotations().get("helm.sh/resource-policy"), "the key outlives the release");
        assertEquals(32, Base64.getDecoder().decode(decoded(keys, "master-key")).length, "base64 of 32 bytes");
        assertTrue(decoded(keys, "admin-token").length() >= 32, "a long admin token");
        assertTrue(decoded(credentials, "db-url").startsWith("jdbc:postgresql://"));
        assertTrue(decoded(credentials, "redis-url").startsWith("redis://"));
        for (Container container : r.containers()) {
            for (EnvVar env : container.getEnv()) {
                if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null) {
                    Secret secret = secrets.get(env.getValueFrom().getSecretKeyRef().getName());
                    assertNotNull(secret, env.getName() + " names a Secret the chart makes");
                    assertTrue(Boolean.TRUE.equals(env.getValueFrom().getSecretKeyRef().getOptional())
                               || secret.getData().containsKey(env.getValueFrom().getSecretKeyRef().getKey()), env.getName());
                }
            }
        }
    }

    private static String decoded(Secret secret, String key) {
        return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }

    private static EnvVar env(Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(c.getName() + " has no " + name));
    }

    private static <T> T single(List<T> items) {
        assertEquals(1, items.size(), String.valueOf(items));
        return items.get(0);
    }

    /**
     * Renders the chart as {@code helm template} does, hooks included. The library's template leaves hooks out of what it
     * returns, so a copy of the chart is rendered whose hook annotations carry a stand-in prefix, put back afterwards.
     */
    static Rendered render(Optional<Path> values) {
        try {
            Path copy = Files.createTempDirectory("voicecore-chart");
            copyChart(copy, HOOK, HOOK_STAND_IN);
            var template = new Helm(copy).template().withName("voicecore").withNamespace("voicecore");
            values.map(Path::toAbsolutePath).ifPresent(template::withValuesFile);
            String name = values.map(v -> v.getFileName().toString()).orElse("default values");
            List<HasMetadata> objects = KubernetesObjects.read(template.call());
            for (HasMetadata object : objects) {
                Map<String, String> annotations = object.getMetadata().getAnnotations();
                if (annotations != null) {
                    Map<String, String> restored = new HashMap<>();
                    annotations.forEach((key, value) -> restored.put(key.replace(HOOK_STAND_IN, HOOK), value));
                    object.getMetadata().setAnnotations(restored);
                }
            }
            return new Rendered(name, objects);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static final String HOOK = "helm.sh/hook";
    private static final String HOOK_STAND_IN = "rendered.voicecore.io/hook";

    private static void copyChart(Path target, String replaced, String replacement) throws IOException {
        try (Stream<Path> files = Files.walk(CHART)) {
            for (Path file : files.toList()) {
                Path to = target.resolve(CHART.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.writeString(to, Files.readString(file).replace(replaced, replacement));
                }
            }
        }
    }

    /** The objects of one rendering. */
    record Rendered(String name, List<HasMetadata> objects) {
        <T extends HasMetadata> List<T> all(Class<T> kind) {
            return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
        }

        <T extends HasMetadata> T one(Class<T> kind) {
            List<T> found = all(kind);
            assertEquals(1, found.size(), name + ": one " + kind.getSimpleName());
            return found.get(0);
        }

        List<Container> containers() {
            return Stream.concat(all(Deployment.class).stream().flatMap(d -> d.getSpec().getTemplate().getSpec().getContainers().stream()),
                                 all(Job.class).stream().flatMap(j -> j.getSpec().getTemplate().getSpec().getContainers().stream()))
                    .toList();
        }

        /** The kernel's configuration as a node of this rendering reads it: the ConfigMap's environment, parsed by the kernel. */
        KernelConfig kernelConfig() {
            Map<String, String> environment = new HashMap<>(one(ConfigMap.class).getData());
            return ConfigLoader.load(Optional.empty(), environment, Map.of());
        }
    }
}
