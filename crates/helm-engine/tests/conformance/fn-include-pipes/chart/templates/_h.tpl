{{- define "labels" -}}
app: x
tier: y
{{- end -}}