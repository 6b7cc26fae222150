{{- define "c.name" -}}
{{ .Chart.Name }}-{{ .Values.suffix }}
{{- end -}}
