// kubernetes-models-style entry point for ECK's Elasticsearch (see ../../validate.ts).
import { modelClass } from "../../validate";

export const Elasticsearch = modelClass("elasticsearch.k8s.elastic.co/v1", "Elasticsearch");
