// kubernetes-models-style entry point for ECK's Kibana (see ../../validate.ts).
import { modelClass } from "../../validate";

export const Kibana = modelClass("kibana.k8s.elastic.co/v1", "Kibana");
