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
{{- include "herald.kafkaConfigEnv" . }}
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
{{- with $root.Values.tracing.otlpEndpoint }}
{{- /* Tracing is off in the services' own configuration; a collector turns it on. */}}
QUARKUS_OTEL_SDK_DISABLED: "false"
QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: {{ . | quote }}
QUARKUS_OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: {{ $root.Values.tracing.protocol | quote }}
QUARKUS_OTEL_TRACES_SAMPLER: "parentbased_traceidratio"
QUARKUS_OTEL_TRACES_SAMPLER_ARG: {{ include "herald.scalar" $root.Values.tracing.samplerRatio | quote }}
{{- end }}
{{- end -}}

{{/* Environment variables from Secrets and the downward API. */}}
{{- define "herald.secretEnv" -}}
{{- $root := .root -}}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
{{- include "herald.kafkaSecretEnv" . }}
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

{{/*
Kafka security. Each component is its own Kafka user; "herald.kafkaAcls" is the one list of what each may do, derived
from the services' channels (application.properties), their raw clients and the topics they name per record
(deploy-tests checks it against them). Prefix patterns: retry tiers (herald.retry.<tier>, group
herald-dispatch-retry-<tier>) and the fan-out's transactional ids (herald-dispatch-fanout-<pod>).
*/}}
{{- define "herald.kafkaAcls" -}}
ingest:
  - {type: topic, name: herald.events, operations: [Write, Describe]}
  - {type: topic, name: herald.event-types, operations: [Read, Describe]}
subscription:
  - {type: topic, name: herald.endpoints, operations: [Write, Describe]}
  - {type: topic, name: herald.event-types, operations: [Write, Describe]}
  - {type: topic, name: herald.deliveries, operations: [Write, Describe]}
  - {type: topic, name: herald.events, operations: [Read, Describe]}
  - {type: topic, name: herald.attempts, operations: [Read, Describe]}
  - {type: topic, name: herald.dlq, operations: [Read, Describe]}
  - {type: group, name: herald-subscription-operational, operations: [Read]}
  - {type: group, name: herald-subscription-attempts, operations: [Read]}
  - {type: group, name: herald-subscription-dlq, operations: [Read]}
dispatch:
  - {type: topic, name: herald.events, operations: [Read, Write, Describe]}
  - {type: topic, name: herald.endpoints, operations: [Read, Describe]}
  - {type: topic, name: herald.deliveries, operations: [Read, Write, Describe]}
  - {type: topic, name: herald.attempts, operations: [Write, Describe]}
  - {type: topic, name: herald.dlq, operations: [Write, Describe]}
  - {type: topic, name: herald.retry., patternType: prefix, operations: [Read, Write, Describe]}
  - {type: group, name: herald-dispatch-fanout, operations: [Read]}
  - {type: group, name: herald-dispatch-delivery, operations: [Read]}
  - {type: group, name: herald-dispatch-retry-, patternType: prefix, operations: [Read]}
  - {type: transactionalId, name: herald-dispatch-fanout-, patternType: prefix, operations: [Write, Describe]}
{{- end -}}

{{/* The Kafka user of a component. */}}
{{- define "herald.kafkaUsername" -}}
{{- $user := index .root.Values.kafka.authentication.users .component -}}
{{- default (include "herald.componentName" .) $user.username -}}
{{- end -}}

{{/* The Secret with a component's Kafka password or client certificate (Strimzi names it after the user). */}}
{{- define "herald.kafkaUserSecret" -}}
{{- $user := index .root.Values.kafka.authentication.users .component -}}
{{- default (include "herald.kafkaUsername" .) $user.existingSecret -}}
{{- end -}}

{{- define "herald.kafkaCaSecret" -}}
{{- default (printf "%s-cluster-ca-cert" .Values.kafka.strimzi.clusterName) .Values.kafka.tls.caSecret -}}
{{- end -}}

{{/* KAFKA_SECURITY_PROTOCOL from kafka.tls.enabled and kafka.authentication.type. */}}
{{- define "herald.kafkaSecurityProtocol" -}}
{{- $k := .Values.kafka -}}
{{- if and (eq $k.authentication.type "tls") (not $k.tls.enabled) -}}
{{- fail "kafka.authentication.type tls (client certificates) needs kafka.tls.enabled=true" -}}
{{- end -}}
{{- if eq $k.authentication.type "scram-sha-512" -}}
{{- ternary "SASL_SSL" "SASL_PLAINTEXT" $k.tls.enabled -}}
{{- else -}}
{{- ternary "SSL" "PLAINTEXT" $k.tls.enabled -}}
{{- end -}}
{{- end -}}

{{/* Non-secret Kafka client settings of a component (part of "herald.configEnv"). */}}
{{- define "herald.kafkaConfigEnv" -}}
{{- $k := .root.Values.kafka }}
KAFKA_SECURITY_PROTOCOL: {{ include "herald.kafkaSecurityProtocol" .root | quote }}
{{- if eq $k.authentication.type "scram-sha-512" }}
KAFKA_SASL_MECHANISM: "SCRAM-SHA-512"
{{- end }}
{{- if $k.tls.enabled }}
KAFKA_SSL_TRUSTSTORE_TYPE: "PEM"
KAFKA_SSL_TRUSTSTORE_LOCATION: {{ printf "/etc/herald/kafka-ca/%s" $k.tls.caKey | quote }}
{{- end }}
{{- if eq $k.authentication.type "tls" }}
KAFKA_SSL_KEYSTORE_TYPE: "PKCS12"
KAFKA_SSL_KEYSTORE_LOCATION: {{ printf "/etc/herald/kafka-user/%s" $k.authentication.keystoreKey | quote }}
{{- end }}
{{- end -}}

{{/*
Kafka credentials of a component (part of "herald.secretEnv"). The JAAS line takes the password through Kubernetes'
$(VAR) expansion, so it never appears in values or a ConfigMap; SCRAM_PASSWORD has no KAFKA_ prefix, as Quarkus
would hand every KAFKA_* variable to the Kafka clients.
*/}}
{{- define "herald.kafkaSecretEnv" -}}
{{- $k := .root.Values.kafka -}}
{{- if eq $k.authentication.type "scram-sha-512" }}
- name: SCRAM_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "herald.kafkaUserSecret" . }}
      key: {{ $k.authentication.passwordKey }}
- name: KAFKA_SASL_JAAS_CONFIG
  value: {{ printf "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"%s\" password=\"$(SCRAM_PASSWORD)\";" (include "herald.kafkaUsername" .) | quote }}
{{- else if eq $k.authentication.type "tls" }}
- name: KAFKA_SSL_KEYSTORE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "herald.kafkaUserSecret" . }}
      key: {{ $k.authentication.keystorePasswordKey }}
{{- end }}
{{- end -}}

{{/* Mounts of the cluster CA and the client certificate (pods and migration Jobs). */}}
{{- define "herald.kafkaVolumeMounts" -}}
{{- $k := .root.Values.kafka -}}
{{- if $k.tls.enabled }}
- name: kafka-ca
  mountPath: /etc/herald/kafka-ca
  readOnly: true
{{- end }}
{{- if eq $k.authentication.type "tls" }}
- name: kafka-user
  mountPath: /etc/herald/kafka-user
  readOnly: true
{{- end }}
{{- end -}}

{{- define "herald.kafkaVolumes" -}}
{{- $k := .root.Values.kafka -}}
{{- if $k.tls.enabled }}
- name: kafka-ca
  secret:
    secretName: {{ include "herald.kafkaCaSecret" .root }}
    items:
      - key: {{ $k.tls.caKey }}
        path: {{ $k.tls.caKey }}
{{- end }}
{{- if eq $k.authentication.type "tls" }}
- name: kafka-user
  secret:
    secretName: {{ include "herald.kafkaUserSecret" . }}
    items:
      - key: {{ $k.authentication.keystoreKey }}
        path: {{ $k.authentication.keystoreKey }}
{{- end }}
{{- end -}}
