// The AppFlow edge of `cpi import`: DescribeFlow for the flows Customer Profiles created. One
// client per region, standard credential chain, AWS_ENDPOINT_URL_APPFLOW honoured by the SDK.
import { AppflowClient, DescribeFlowCommand } from '@aws-sdk/client-appflow';
import { quietLogger } from './sdk-logger.ts';

export interface FlowDescriber {
  /** DescribeFlow's answer as plain data; throws with AWS's message when it cannot be read. */
  describeFlow(region: string, flowName: string): Promise<Record<string, unknown>>;
  destroy(): void;
}


export function appflowDescriber(): FlowDescriber {
  const clients = new Map<string, AppflowClient>();
  const clientFor = (region: string) => {
    let c = clients.get(region);
    if (!c) {
      c = new AppflowClient({ region, maxAttempts: 3, logger: quietLogger, requestHandler: { connectionTimeout: 3_000, requestTimeout: 15_000, throwOnRequestTimeout: true } });
      clients.set(region, c);
    }
    return c;
  };
  return {
    async describeFlow(region, flowName) {
      const { $metadata: _, ...out } = await clientFor(region).send(new DescribeFlowCommand({ flowName }));
      return out as Record<string, unknown>;
    },
    destroy() {
      for (const c of clients.values()) c.destroy();
      clients.clear();
    },
  };
}

/** The flow name of an AppFlow flow ARN (`arn:aws:appflow:REGION:ACCOUNT:flow/NAME`), else undefined. */
export function flowNameOf(uri: string): string | undefined {
  return /^arn:[^:]+:appflow:[^:]*:[^:]*:flow\/(.+)$/.exec(uri)?.[1];
}
