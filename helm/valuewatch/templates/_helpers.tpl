{{/* Names, labels and the pieces every workload shares. */}}

{{- define "valuewatch.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's full name; the collector's objects take it, the evaluator's add -evaluator. */}}
{{- define "valuewatch.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "valuewatch.evaluatorName" -}}
{{- printf "%s-evaluator" (include "valuewatch.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "valuewatch.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Selector labels of one component: (dict "root" $ "component" "collector"). */}}
{{- define "valuewatch.selectorLabels" -}}
app.kubernetes.io/name: {{ include "valuewatch.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- with .component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end }}

{{/* The recommended labels of one component: (dict "root" $ "component" "collector"). */}}
{{- define "valuewatch.labels" -}}
helm.sh/chart: {{ include "valuewatch.chart" .root }}
{{ include "valuewatch.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: valuewatch
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- end }}

{{- define "valuewatch.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "valuewatch.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "valuewatch.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* "true" when the evaluators run as their own Deployment; SQLite keeps them in the collector. */}}
{{- define "valuewatch.evaluatorDeployed" -}}
{{- if and .Values.evaluator.enabled (not .Values.database.sqlite.enabled) }}true{{ end }}
{{- end }}

{{/* "true" when the chart makes the Secret: no existing one, and a URL or a salt to keep. */}}
{{- define "valuewatch.createSecret" -}}
{{- if and (not .Values.database.existingSecret) (or (not .Values.database.sqlite.enabled) .Values.database.userHashSalt) }}true{{ end }}
{{- end }}

{{- define "valuewatch.secretName" -}}
{{- default (include "valuewatch.fullname" .) .Values.database.existingSecret }}
{{- end }}

{{- define "valuewatch.urlKey" -}}
{{- if .Values.database.existingSecret }}{{ .Values.database.existingSecretKeys.url }}{{ else }}database-url{{ end }}
{{- end }}

{{- define "valuewatch.saltKey" -}}
{{- if .Values.database.existingSecret }}{{ .Values.database.existingSecretKeys.userHashSalt }}{{ else }}user-hash-salt{{ end }}
{{- end }}

{{/* Where a pod keeps what it writes: the SQLite file, the monthly reports. */}}
{{- define "valuewatch.dataDir" -}}
/var/lib/valuewatch
{{- end }}

{{- define "valuewatch.multiprocDir" -}}
/var/run/valuewatch
{{- end }}

{{/* Refuse values that cannot work, with a message that says what to change. */}}
{{- define "valuewatch.validate" -}}
{{- $sqlite := .Values.database.sqlite.enabled }}
{{- if and $sqlite (gt (int .Values.collector.replicas) 1) }}
{{- fail (printf "database.sqlite.enabled allows one collector replica, not collector.replicas=%d: SQLite is a file inside one pod. Use PostgreSQL (database.url or database.existingSecret) for more." (int .Values.collector.replicas)) }}
{{- end }}
{{- if and $sqlite .Values.sidecar.enabled }}
{{- fail "sidecar.enabled needs PostgreSQL: sidecars in other pods cannot share a SQLite file. Set database.sqlite.enabled=false and database.url." }}
{{- end }}
{{- if and .Values.sidecar.enabled (not .Values.evaluator.enabled) }}
{{- fail "sidecar.enabled needs evaluator.enabled: sidecars do not run the evaluators (VALUEWATCH_SCHEDULER_ENABLED=false)." }}
{{- end }}
{{- if and (not $sqlite) (not .Values.database.existingSecret) (not .Values.database.url) }}
{{- fail "set database.url (postgresql+psycopg://user:password@host:5432/db) or database.existingSecret" }}
{{- end }}
{{- end }}

{{/*
The environment of a valuewatch container:
(dict "root" $ "scheduler" "false" "reports" true "multiproc" true); "scheduler" "" leaves
VALUEWATCH_SCHEDULER_ENABLED out.
*/}}
{{- define "valuewatch.env" -}}
{{- $root := .root }}
{{- $values := $root.Values -}}
- name: VALUEWATCH_ENVIRONMENT
  value: {{ $values.environment | quote }}
- name: VALUEWATCH_DATABASE_URL
{{- if $values.database.sqlite.enabled }}
  value: {{ printf "sqlite:///%s/valuewatch.db" (include "valuewatch.dataDir" $root) | quote }}
{{- else }}
  valueFrom:
    secretKeyRef:
      name: {{ include "valuewatch.secretName" $root }}
      key: {{ include "valuewatch.urlKey" $root }}
{{- end }}
{{- if or $values.database.existingSecret $values.database.userHashSalt }}
- name: VALUEWATCH_USER_HASH_SALT
  valueFrom:
    secretKeyRef:
      name: {{ include "valuewatch.secretName" $root }}
      key: {{ include "valuewatch.saltKey" $root }}
      {{- if $values.database.existingSecret }}
      optional: true
      {{- end }}
{{- end }}
{{- if .scheduler }}
- name: VALUEWATCH_SCHEDULER_ENABLED
  value: {{ .scheduler | quote }}
{{- end }}
{{- if .reports }}
- name: VALUEWATCH_REPORT_DIR
  value: {{ printf "%s/reports" (include "valuewatch.dataDir" $root) | quote }}
{{- end }}
{{- if .multiproc }}
- name: PROMETHEUS_MULTIPROC_DIR
  value: {{ printf "%s/metrics" (include "valuewatch.multiprocDir" $root) | quote }}
{{- end }}
{{- range $name, $value := $values.settings }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- with $values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
The collector's container, in its Deployment or as a sidecar in a model's pod:
(dict "root" $ "sidecar" false).
*/}}
{{- define "valuewatch.collectorContainer" -}}
{{- $root := .root }}
{{- $values := $root.Values }}
{{- $port := ternary "valuewatch" "http" .sidecar }}
{{- $workers := ternary 1 (int $values.collector.workers) .sidecar }}
{{- $listen := ternary (int $values.sidecar.port) 8000 .sidecar }}
{{- $grpc := ternary (int $values.sidecar.otlpGrpcPort) (int $values.collector.otlpGrpcPort) .sidecar }}
{{- /* The evaluator Deployment owns the jobs where there is one (always with sidecars); else this container. */}}
{{- $scheduler := "true" }}
{{- if or .sidecar (include "valuewatch.evaluatorDeployed" $root) }}
{{- $scheduler = "false" }}
{{- end -}}
- name: {{ ternary "valuewatch" "collector" .sidecar }}
  image: {{ include "valuewatch.image" $root }}
  imagePullPolicy: {{ $values.image.pullPolicy }}
  args:
    - serve
    - --host
    - 0.0.0.0
    - --port
    - {{ $listen | quote }}
    - --log-level
    - {{ $values.logLevel }}
    - --workers
    - {{ $workers | quote }}
    - --otlp-grpc-port
    - {{ $grpc | quote }}
  ports:
    - name: {{ $port }}
      containerPort: {{ $listen }}
      protocol: TCP
    {{- if $grpc }}
    - name: {{ ternary "vw-otlp-grpc" "otlp-grpc" .sidecar }}
      containerPort: {{ $grpc }}
      protocol: TCP
    {{- end }}
  env:
    {{- include "valuewatch.env" (dict "root" $root "scheduler" $scheduler "reports" (not .sidecar) "multiproc" (gt $workers 1)) | nindent 4 }}
    {{- if .sidecar }}
    {{- with $values.sidecar.watchedProcess }}
    # The model server's process, seen through the pod's shared process namespace.
    - name: VALUEWATCH_WATCHED_PROCESS
      value: {{ . | quote }}
    {{- end }}
    {{- with $values.sidecar.nvidiaVisibleDevices }}
    # NVML reads the model's GPUs without this container requesting one.
    - name: NVIDIA_VISIBLE_DEVICES
      value: {{ . | quote }}
    - name: NVIDIA_DRIVER_CAPABILITIES
      value: utility
    {{- end }}
    {{- end }}
  startupProbe:
    httpGet:
      path: /healthz
      port: {{ $port }}
    periodSeconds: 2
    failureThreshold: 60
  livenessProbe:
    httpGet:
      path: /healthz
      port: {{ $port }}
    periodSeconds: 10
    timeoutSeconds: 2
    failureThreshold: 3
  readinessProbe:
    httpGet:
      path: /readyz
      port: {{ $port }}
    periodSeconds: 5
    timeoutSeconds: 3
    failureThreshold: 3
  resources:
    {{- toYaml (ternary $values.sidecar.resources $values.collector.resources .sidecar) | nindent 4 }}
  securityContext:
    {{- toYaml $values.securityContext | nindent 4 }}
  volumeMounts:
    - name: {{ ternary "valuewatch-tmp" "tmp" .sidecar }}
      mountPath: /tmp
    {{- if not .sidecar }}
    - name: data
      mountPath: {{ include "valuewatch.dataDir" $root }}
    {{- end }}
    {{- if gt $workers 1 }}
    - name: metrics-multiproc
      mountPath: {{ include "valuewatch.multiprocDir" $root }}
    {{- end }}
{{- end }}

{{/* The pod-level fields both Deployments share: (dict "root" $ "component" .Values.collector). */}}
{{- define "valuewatch.podSpec" -}}
{{- $values := .root.Values -}}
serviceAccountName: {{ include "valuewatch.serviceAccountName" .root }}
automountServiceAccountToken: false
securityContext:
  {{- toYaml $values.podSecurityContext | nindent 2 }}
{{- with $values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .component.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .component.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .component.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* Pod annotations, as YAML or "": the component's own, and the Secret's checksum so a change restarts pods. */}}
{{- define "valuewatch.podAnnotations" -}}
{{- $annotations := deepCopy (.component.podAnnotations | default dict) }}
{{- if include "valuewatch.createSecret" .root }}
{{- $_ := set $annotations "checksum/secret" (include (print .root.Template.BasePath "/secret.yaml") .root | sha256sum) }}
{{- end }}
{{- with $annotations }}{{ toYaml . }}{{ end }}
{{- end }}

{{/*
One scrape endpoint of a ServiceMonitor or PodMonitor: (dict "root" $ "port" "http" "job" "valuewatch").
The job is relabelled to the name the generated alert rules match.
*/}}
{{- define "valuewatch.scrapeEndpoint" -}}
{{- $monitor := .root.Values.serviceMonitor -}}
- port: {{ .port }}
  path: /metrics
  interval: {{ $monitor.interval }}
  scrapeTimeout: {{ $monitor.scrapeTimeout }}
  relabelings:
    - action: replace
      targetLabel: job
      replacement: {{ .job | quote }}
  {{- if $monitor.authorization.secretName }}
  authorization:
    type: Bearer
    credentials:
      name: {{ $monitor.authorization.secretName }}
      key: {{ $monitor.authorization.secretKey }}
  {{- end }}
{{- end }}

{{/* What to add to a model's pod spec to run the collector beside it (NOTES.txt, sidecar-snippet.yaml). */}}
{{- define "valuewatch.sidecarSnippet" -}}
# The sidecar sees the model server's processes, so it measures the model, not itself.
shareProcessNamespace: true
containers:
  {{- include "valuewatch.collectorContainer" (dict "root" . "sidecar" true) | nindent 2 }}
volumes:
  - name: valuewatch-tmp
    emptyDir: {}
{{- end }}
