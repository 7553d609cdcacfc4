{{/* The release's resource names: "<release>-todo-api", or the release name when it says todo-api already. */}}
{{- define "todo-api.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "todo-api.postgresqlName" -}}
{{- printf "%s-postgresql" (include "todo-api.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "todo-api.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "todo-api.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "todo-api.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Where the data lives: "sqlite", "url" (another database.url), "existingSecret" or "bundled". */}}
{{- define "todo-api.databaseMode" -}}
{{- if .Values.database.url -}}
{{- if hasPrefix "sqlite" (lower .Values.database.url) }}sqlite{{ else }}url{{ end -}}
{{- else if .Values.database.existingSecret -}}
existingSecret
{{- else -}}
bundled
{{- end -}}
{{- end -}}

{{/* Whether the chart makes a Secret: for any value it generates or is given in plain. */}}
{{- define "todo-api.ownsSecret" -}}
{{- if or (ne (include "todo-api.databaseMode" .) "existingSecret") (not .Values.jwtExistingSecret) }}true{{ end -}}
{{- end -}}

{{/* What values alone cannot say: checked before anything is rendered (deployment.yaml). */}}
{{- define "todo-api.validate" -}}
{{- $mode := include "todo-api.databaseMode" . -}}
{{- if and .Values.database.url .Values.database.existingSecret -}}
{{- fail "database: set url or existingSecret, not both" -}}
{{- end -}}
{{- if and .Values.jwtSecret .Values.jwtExistingSecret -}}
{{- fail "set jwtSecret or jwtExistingSecret, not both" -}}
{{- end -}}
{{- if eq $mode "sqlite" -}}
{{- if or (gt (int .Values.replicaCount) 1) .Values.autoscaling.enabled -}}
{{- fail (printf "database.url is SQLite, which only one pod may write: set replicaCount to 1 and autoscaling.enabled to false (now %d and %t), or use PostgreSQL: database.url, database.existingSecret, or neither for the bundled one" (int .Values.replicaCount) .Values.autoscaling.enabled) -}}
{{- end -}}
{{- if not (hasPrefix "/data/" (regexReplaceAll "^[^:]*:///" .Values.database.url "")) -}}
{{- fail "database.url: the SQLite file must be under /data, the pod's volume (the rest of its file system is read-only): sqlite:////data/todo.db" -}}
{{- end -}}
{{- end -}}
{{- if and .Values.autoscaling.enabled (not (dig "requests" "cpu" "" .Values.resources)) -}}
{{- fail "autoscaling.enabled: the autoscaler measures CPU against resources.requests.cpu, which is not set" -}}
{{- end -}}
{{- if and .Values.autoscaling.enabled (gt (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas)) -}}
{{- fail "autoscaling: minReplicas is more than maxReplicas" -}}
{{- end -}}
{{- end -}}

{{- define "todo-api.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/* The environment of the API container and of its migrating init container: the two
secrets from a Secret, never in plain; AUTO_MIGRATE=false, as the init container migrates. */}}
{{- define "todo-api.env" -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      {{- if eq (include "todo-api.databaseMode" .) "existingSecret" }}
      name: {{ .Values.database.existingSecret }}
      key: {{ .Values.database.existingSecretKey }}
      {{- else }}
      name: {{ include "todo-api.fullname" . }}
      key: DATABASE_URL
      {{- end }}
- name: JWT_SECRET
  valueFrom:
    secretKeyRef:
      {{- if .Values.jwtExistingSecret }}
      name: {{ .Values.jwtExistingSecret }}
      key: {{ .Values.jwtExistingSecretKey }}
      {{- else }}
      name: {{ include "todo-api.fullname" . }}
      key: JWT_SECRET
      {{- end }}
- name: AUTO_MIGRATE
  value: "false"
- name: DATA_DIR
  value: /data
- name: HOST
  value: 0.0.0.0
- name: PORT
  value: "7860"
{{- range $name, $value := .Values.env }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- end -}}

{{/* Every container: no privilege to gain, no capability, nothing written outside its volumes. */}}
{{- define "todo-api.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop:
    - ALL
{{- end -}}
