// The IAM role a Namespace names for its resources (annotation customerprofiles.gitops.dev/role-arn),
// read one way by the reconciler, the claims, the role watcher and `cpi plan`.
import type * as k8s from '@kubernetes/client-node';
import { ANNOTATIONS } from '../api/group.ts';

/** The role ARN, or undefined when the Namespace names none (an empty value counts as none). */
export const namespaceRole = (ns: k8s.V1Namespace | undefined): string | undefined => ns?.metadata?.annotations?.[ANNOTATIONS.roleArn] || undefined;
