/**
 * A foundation-SDK builder for this repository's own panel (the SDK has builders for Grafana's core panels
 * only). Its options are the panel's own `IsolationOptions`, starting from `DEFAULT_OPTIONS`, so a dashboard
 * cannot set an option the panel does not have, and follows whatever the panel's defaults become.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';

import plugin from '../../src/plugin.json';
import { DEFAULT_OPTIONS, type IsolationOptions } from '../../src/types';

export class IsolationPanelBuilder extends dashboard.PanelBuilder {
  constructor() {
    super();
    this.internal.type = plugin.id;
    this.internal.options = { ...DEFAULT_OPTIONS } satisfies IsolationOptions;
  }

  /** Replaces every option (the SDK's `options(any)`, typed). */
  override options(options: IsolationOptions): this {
    this.internal.options = { ...options };
    return this;
  }

  /** Sets one option. */
  option<K extends keyof IsolationOptions>(key: K, value: IsolationOptions[K]): this {
    (this.internal.options as IsolationOptions)[key] = value;
    return this;
  }
}
