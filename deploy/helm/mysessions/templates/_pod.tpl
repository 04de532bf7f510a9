{{/* The pod of one process; call with (dict "root" $ "component" NAME "args" LIST
     "port" (dict "name" N "number" P) "resources" R "grace" SECONDS), and optionally "env"
     (a list of env entries, e.g. secretKeyRef), "volumes" and "volumeMounts" (lists), and
     "kafkaOnly" (true: the process talks to Kafka alone, so the Secret of the Redis and
     MongoDB URLs is not given to it: the upstream edge, reachable from outside, and the
     queue_log follower), "podSecurity" (pod securityContext fields added to
     podSecurityContext's, which win). Both
     probes ask the process itself: /healthz (it answers) for liveness, /readyz (started,
     connected, and for a worker assigned by its group; 503 from SIGTERM on) for readiness.
     Without "port" (the bridges: `connect ami`, `connect freeswitch`, `follow queue-log`
     serve no HTTP) the pod has no port and no probes: nothing to ask. */}}
{{- define "mysessions.pod" -}}
{{- $root := .root -}}
metadata:
  labels:
    {{- include "mysessions.labels" (dict "root" $root "component" .component) | nindent 4 }}
  annotations:
    {{- include "mysessions.checksums" $root | nindent 4 }}
spec:
  serviceAccountName: {{ include "mysessions.serviceAccountName" $root }}
  automountServiceAccountToken: false
  {{- with $root.Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    {{- toYaml (merge (deepCopy $root.Values.podSecurityContext) (.podSecurity | default dict)) | nindent 4 }}
  terminationGracePeriodSeconds: {{ .grace }}
  containers:
    - name: {{ .component }}
      image: {{ include "mysessions.image" $root | quote }}
      imagePullPolicy: {{ $root.Values.image.pullPolicy }}
      args:
        {{- toYaml .args | nindent 8 }}
      {{- with .port }}
      ports:
        - name: {{ .name }}
          containerPort: {{ .number }}
          protocol: TCP
      {{- end }}
      {{- with .env }}
      env:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      envFrom:
        - configMapRef:
            name: {{ include "mysessions.fullname" $root }}
        {{- if not .kafkaOnly }}
        - secretRef:
            name: {{ include "mysessions.secretName" $root }}
        {{- end }}
      {{- if .port }}
      startupProbe:
        httpGet:
          path: /healthz
          port: {{ .port.name }}
        periodSeconds: 2
        failureThreshold: 30
      livenessProbe:
        httpGet:
          path: /healthz
          port: {{ .port.name }}
        periodSeconds: 10
        timeoutSeconds: 3
        failureThreshold: 6
      readinessProbe:
        httpGet:
          path: /readyz
          port: {{ .port.name }}
        periodSeconds: 5
        timeoutSeconds: 3
        failureThreshold: 3
      {{- end }}
      resources:
        {{- toYaml .resources | nindent 8 }}
      securityContext:
        {{- toYaml $root.Values.securityContext | nindent 8 }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
        {{- with .volumeMounts }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
  volumes:
    # The root filesystem is read-only; libraries that want a scratch file get this.
    - name: tmp
      emptyDir:
        sizeLimit: 64Mi
    {{- with .volumes }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with $root.Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $root.Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $root.Values.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}
