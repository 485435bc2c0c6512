{{/*
Names, labels and shared pieces of the Herald chart. Components are "ingest", "subscription" and "dispatch"; most
helpers take a dict with the root context ("root") and the component name ("component").
*/}}

{{- define "herald.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "herald.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Full name of one component's resources, e.g. herald-dispatch. */}}
{{- define "herald.componentName" -}}
{{- printf "%s-%s" (include "herald.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "herald.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "herald.labels" -}}
helm.sh/chart: {{ include "herald.chart" . }}
app.kubernetes.io/name: {{ include "herald.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: herald
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "herald.componentLabels" -}}
{{ include "herald.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "herald.selectorLabels" -}}
app.kubernetes.io/name: {{ include "herald.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* "annotations:" with the common annotations, or nothing. */}}
{{- define "herald.annotations" -}}
{{- with .Values.commonAnnotations -}}
annotations:
{{ toYaml . | indent 2 }}
{{- end -}}
{{- end -}}

{{- define "herald.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "herald.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* registry/repository:tag or @digest of a component's image. */}}
{{- define "herald.image" -}}
{{- $image := (index .root.Values .component).image -}}
{{- $registry := default $image.registry .root.Values.global.imageRegistry -}}
{{- $repo := ternary (printf "%s/%s" $registry $image.repository) $image.repository (ne $registry "") -}}
{{- if $image.digest -}}
{{- printf "%s@%s" $repo $image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repo (default .root.Chart.AppVersion $image.tag | toString) -}}
{{- end -}}
{{- end -}}

{{/* Components that use PostgreSQL (and own Flyway migrations). */}}
{{- define "herald.usesDatabase" -}}
{{- if has .component (list "ingest" "subscription") -}}true{{- end -}}
{{- end -}}

{{/* Components that authenticate API callers. */}}
{{- define "herald.usesAuth" -}}
{{- if has .component (list "ingest" "subscription") -}}true{{- end -}}
{{- end -}}

{{/*
A value as a config string: whole numbers print without exponent (YAML numbers reach templates as floats), lists as
comma-separated values (how MicroProfile Config reads a list).
*/}}
{{- define "herald.scalar" -}}
{{- if kindIs "float64" . -}}
{{- if eq (float64 (int64 .)) . -}}{{- int64 . -}}{{- else -}}{{- . -}}{{- end -}}
{{- else if kindIs "slice" . -}}
{{- $items := list -}}
{{- range . -}}{{- $items = append $items (include "herald.scalar" .) -}}{{- end -}}
{{- join "," $items -}}
{{- else -}}
{{- . -}}
{{- end -}}
{{- end -}}

{{/*
Flattens a nested config map into environment variables: {"http": {"connect-timeout-ms": 5000}} under prefix
HERALD_DISPATCH becomes HERALD_DISPATCH_HTTP_CONNECT_TIMEOUT_MS: "5000" (the MicroProfile Config env name of
herald.dispatch.http.connect-timeout-ms). Null values are skipped, so `--set key=null` falls back to the service default.
*/}}
{{- define "herald.flattenEnv" -}}
{{- $prefix := .prefix -}}
{{- range $key, $value := .values -}}
{{- $name := printf "%s_%s" $prefix ($key | upper | replace "-" "_" | replace "." "_") -}}
{{- if kindIs "map" $value -}}
{{ include "herald.flattenEnv" (dict "prefix" $name "values" $value) }}
{{- else if not (kindIs "invalid" $value) }}
{{ $name }}: {{ include "herald.scalar" $value | quote }}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Secret names and keys: an existing Secret wins over the one the chart renders. */}}
{{- define "herald.authSecretName" -}}
{{- default (printf "%s-auth" (include "herald.fullname" .)) .Values.auth.existingSecret -}}
{{- end -}}
{{- define "herald.authSecretKey" -}}
{{- ternary .Values.auth.existingSecretHs256Key "hs256-secret" (ne .Values.auth.existingSecret "") -}}
{{- end -}}
{{/* Whether HS256 is in use: a secret given, an existing Secret, or neither a JWKS URL (then one is generated). */}}
{{- define "herald.authUsesHs256" -}}
{{- if or .Values.auth.hs256Secret .Values.auth.existingSecret (not .Values.auth.jwksUrl) -}}true{{- end -}}
{{- end -}}
{{- define "herald.encryptionSecretName" -}}
{{- default (printf "%s-encryption" (include "herald.fullname" .)) .Values.secretsEncryption.existingSecret -}}
{{- end -}}
{{- define "herald.encryptionSecretKey" -}}
{{- ternary .Values.secretsEncryption.existingSecretKey "encryption-key" (ne .Values.secretsEncryption.existingSecret "") -}}
{{- end -}}
{{- define "herald.postgresqlSecretName" -}}
{{- default (printf "%s-postgresql" (include "herald.fullname" .)) .Values.postgresql.existingSecret -}}
{{- end -}}
{{- define "herald.postgresqlSecretKey" -}}
{{- ternary .Values.postgresql.existingSecretPasswordKey "password" (ne .Values.postgresql.existingSecret "") -}}
{{- end -}}

{{/* host:port/database[?parameters] */}}
{{- define "herald.postgresqlAddress" -}}
{{- $pg := .Values.postgresql -}}
{{- printf "%s:%s/%s" $pg.host (include "herald.scalar" $pg.port) $pg.database -}}
{{- $params := list -}}
{{- with $pg.sslMode -}}{{- $params = append $params (printf "sslmode=%s" .) -}}{{- end -}}
{{- with $pg.parameters -}}{{- $params = append $params . -}}{{- end -}}
{{- if $params -}}?{{ join "&" $params }}{{- end -}}
{{- end -}}

{{/* The configuration of one component, as environment variables (the ConfigMap's data, also inlined in Jobs). */}}
{{- define "herald.configEnv" -}}
{{- $root := .root -}}
{{- $c := index $root.Values .component -}}
QUARKUS_HTTP_PORT: {{ include "herald.scalar" $c.containerPorts.http | quote }}
KAFKA_BOOTSTRAP_SERVERS: {{ $root.Values.kafka.bootstrapServers | quote }}
{{- include "herald.flattenEnv" (dict "prefix" (printf "HERALD_%s" (upper .component)) "values" $c.config) }}
{{- if include "herald.usesDatabase" . }}
QUARKUS_DATASOURCE_JDBC_URL: {{ printf "jdbc:postgresql://%s" (include "herald.postgresqlAddress" $root) | quote }}
QUARKUS_DATASOURCE_REACTIVE_URL: {{ printf "postgresql://%s" (include "herald.postgresqlAddress" $root) | quote }}
QUARKUS_DATASOURCE_USERNAME: {{ $root.Values.postgresql.username | quote }}
QUARKUS_FLYWAY_MIGRATE_AT_START: {{ $root.Values.migrations.migrateAtStart | quote }}
{{- end }}
{{- if include "herald.usesAuth" . }}
{{- include "herald.flattenEnv" (dict "prefix" "HERALD_AUTH" "values" $root.Values.auth.config) }}
{{- with $root.Values.auth.jwksUrl }}
HERALD_AUTH_JWKS_URL: {{ . | quote }}
{{- end }}
{{- with $root.Values.auth.issuer }}
HERALD_AUTH_ISSUER: {{ . | quote }}
{{- end }}
{{- with $root.Values.auth.audience }}
HERALD_AUTH_AUDIENCE: {{ . | quote }}
{{- end }}
{{- end }}
{{- if eq .component "ingest" }}
{{- /* Map keys are quoted in env names (__KEY__), as SmallRye Config reads herald.ingest.rate-limit.tenants."acme".per-second. */}}
{{- range $tenant, $perSecond := $c.rateLimitTenants }}
{{ printf "HERALD_INGEST_RATE_LIMIT_TENANTS__%s__PER_SECOND" (regexReplaceAll "[^A-Za-z0-9]" $tenant "_" | upper) }}: {{ include "herald.scalar" $perSecond | quote }}
{{- end }}
{{- end }}
{{- if and (has .component (list "subscription" "dispatch")) $root.Values.egress.allowCidrs }}
HERALD_{{ upper .component }}_EGRESS_ALLOW_CIDRS: {{ join "," $root.Values.egress.allowCidrs | quote }}
{{- end }}
{{- end -}}

{{/* Environment variables from Secrets and the downward API. */}}
{{- define "herald.secretEnv" -}}
{{- $root := .root -}}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
{{- if and (include "herald.usesAuth" .) (include "herald.authUsesHs256" $root) }}
- name: HERALD_AUTH_HS256_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ include "herald.authSecretName" $root }}
      key: {{ include "herald.authSecretKey" $root }}
{{- end }}
{{- if include "herald.usesDatabase" . }}
- name: QUARKUS_DATASOURCE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "herald.postgresqlSecretName" $root }}
      key: {{ include "herald.postgresqlSecretKey" $root }}
{{- end }}
{{- if or (eq .component "subscription") (eq .component "dispatch") }}
{{- /* One keyring: subscription seals endpoint secrets with it (PostgreSQL, herald.endpoints), dispatch opens them. */}}
- name: {{ ternary "HERALD_SUBSCRIPTION_SECRETS_ENCRYPTION_KEY" "HERALD_DISPATCH_SECRETS_ENCRYPTION_KEY" (eq .component "subscription") }}
  valueFrom:
    secretKeyRef:
      name: {{ include "herald.encryptionSecretName" $root }}
      key: {{ include "herald.encryptionSecretKey" $root }}
{{- end }}
{{- end -}}

{{/* Pod security context without the chart's "enabled" switch. */}}
{{- define "herald.securityContext" -}}
{{- if .enabled -}}
{{- toYaml (omit . "enabled") -}}
{{- end -}}
{{- end -}}
