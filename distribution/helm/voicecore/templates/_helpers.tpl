{{/* The name of every object: the release's, with the chart's name when the release does not carry it. */}}
{{- define "voicecore.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "voicecore.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "voicecore.labels" -}}
{{ include "voicecore.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "voicecore.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "voicecore.secretName" -}}
{{ .Values.secrets.existingSecret | default (printf "%s-secrets" (include "voicecore.fullname" .)) }}
{{- end -}}

{{/* Seconds the kernel lets in-flight calls run on shutdown: longer than the longest plugin deadline. */}}
{{- define "voicecore.shutdownGraceSeconds" -}}
{{ add (int .Values.kernel.maxStreamTimeoutSeconds) 5 }}
{{- end -}}

{{/* The pod's whole stop: the preStop pause, the kernel's grace, then 20 s to close plugins, pool and connections. */}}
{{- define "voicecore.terminationGraceSeconds" -}}
{{ add (int .Values.preStopSleepSeconds) (int (include "voicecore.shutdownGraceSeconds" .)) 20 }}
{{- end -}}

{{/* The Secret of the master key and admin token, made once: existingSecret when set. */}}
{{- define "voicecore.keysSecretName" -}}
{{ .Values.secrets.existingSecret | default (printf "%s-keys" (include "voicecore.fullname" .)) }}
{{- end -}}

{{/* The credentials every kernel process reads from the Secrets. */}}
{{- define "voicecore.secretEnv" -}}
{{- $secret := include "voicecore.secretName" . -}}
{{- $keys := include "voicecore.keysSecretName" . -}}
{{- range $name, $key := dict "VOICECORE_DB_URL" "db-url" "VOICECORE_DB_USER" "db-user" "VOICECORE_DB_PASSWORD" "db-password" "VOICECORE_REDIS_URL" "redis-url" }}
- name: {{ $name }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $key }}
{{- end }}
{{- range $name, $key := dict "VOICECORE_MASTER_KEY" "master-key" "VOICECORE_ADMIN_TOKEN" "admin-token" }}
- name: {{ $name }}
  valueFrom:
    secretKeyRef:
      name: {{ $keys }}
      key: {{ $key }}
{{- end }}
{{- /* Added to the Secret by hand while the master key is rotated (docs/operator-guide.md). */}}
- name: VOICECORE_MASTER_KEY_PREVIOUS
  valueFrom:
    secretKeyRef:
      name: {{ $keys }}
      key: master-key-previous
      optional: true
{{- end -}}

{{/* The JVM's options: the heap follows the container's memory limit. */}}
{{- define "voicecore.jvmEnv" -}}
- name: JAVA_TOOL_OPTIONS
  value: {{ printf "-XX:MaxRAMPercentage=%v %s" .Values.jvm.maxRamPercentage .Values.jvm.extraOptions | trim | quote }}
{{- end -}}

{{/* What a kernel container needs besides its command and environment: image, security, scratch volumes. */}}
{{- define "voicecore.containerBase" -}}
image: {{ include "voicecore.image" . }}
imagePullPolicy: {{ .Values.image.pullPolicy }}
securityContext:
  runAsNonRoot: true
  runAsUser: 65532
  runAsGroup: 65532
  readOnlyRootFilesystem: true
  allowPrivilegeEscalation: false
  capabilities:
    drop: ["ALL"]
volumeMounts:
  - name: data
    mountPath: /var/lib/voicecore
  - name: tmp
    mountPath: /tmp
{{- end -}}

{{- define "voicecore.podBase" -}}
automountServiceAccountToken: false
securityContext:
  runAsNonRoot: true
  runAsUser: 65532
  runAsGroup: 65532
  fsGroup: 65532
  seccompProfile:
    type: RuntimeDefault
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
volumes:
  - name: data
    emptyDir:
      sizeLimit: {{ .Values.scratch.dataSizeLimit }}
  - name: tmp
    emptyDir:
      sizeLimit: {{ .Values.scratch.tmpSizeLimit }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
