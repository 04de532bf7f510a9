{{/* The release's full name: the release name, with the chart's name unless it has it. */}}
{{- define "mysessions.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Labels of everything; call with (dict "root" $ "component" NAME). */}}
{{- define "mysessions.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: mysessions
{{ include "mysessions.selectorLabels" . }}
{{- end -}}

{{/* What a component's Deployment, Service, PDB and NetworkPolicy select its pods by. */}}
{{- define "mysessions.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- if .component }}
app.kubernetes.io/component: {{ .component }}
{{- end }}
{{- end -}}

{{- define "mysessions.serviceAccountName" -}}
{{- .Values.serviceAccount.name | default (include "mysessions.fullname" .) -}}
{{- end -}}

{{- define "mysessions.secretName" -}}
{{- .Values.servers.existingSecret | default (printf "%s-servers" (include "mysessions.fullname" .)) -}}
{{- end -}}

{{- define "mysessions.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}

{{/* A worker's fewest replicas: never zero, since a group that has committed no offset
     yet shows KEDA no lag, and a worker scaled to zero would never commit one. */}}
{{- define "mysessions.minReplicas" -}}
{{- $worker := index .root.Values.workers .name -}}
{{- $min := int $worker.minReplicas -}}
{{- if lt $min 1 -}}
{{- fail (printf "workers.%s.minReplicas is %d: at least 1 (no scale to zero; a group without committed offsets would never start)" .name $min) -}}
{{- end -}}
{{- $min -}}
{{- end -}}

{{/* A worker's most replicas: kafka.partitions unless lower; above it is refused, since a
     consumer beyond the partitions is assigned none. */}}
{{- define "mysessions.maxReplicas" -}}
{{- $worker := index .root.Values.workers .name -}}
{{- $partitions := int .root.Values.kafka.partitions -}}
{{- $max := $partitions -}}
{{- if not (kindIs "invalid" $worker.maxReplicas) -}}
{{- $max = int $worker.maxReplicas -}}
{{- end -}}
{{- if gt $max $partitions -}}
{{- fail (printf "workers.%s.maxReplicas is %d, above kafka.partitions (%d): replicas beyond the partitions would sit idle" .name $max $partitions) -}}
{{- end -}}
{{- $min := int (include "mysessions.minReplicas" .) -}}
{{- if lt $max $min -}}
{{- fail (printf "workers.%s.maxReplicas (%d) is below its minReplicas (%d)" .name $max $min) -}}
{{- end -}}
{{- $max -}}
{{- end -}}

{{/* Pod annotations that roll the pods when their settings change. */}}
{{- define "mysessions.checksums" -}}
checksum/config: {{ include (print .Template.BasePath "/configmap.yaml") . | sha256sum }}
checksum/secret: {{ include (print .Template.BasePath "/secret.yaml") . | sha256sum }}
{{- end -}}
