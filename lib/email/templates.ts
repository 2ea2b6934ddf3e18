import { Eta } from "eta";
import { join } from "node:path";
import { packageRoot } from "../version";

/** A rendered message body: the text part and its HTML alternative. */
export interface MailBody {
  text: string;
  html: string;
}

/**
 * Mail bodies from views/email: `<name>.txt.eta` (plain text, nothing
 * escaped) and `<name>.html.eta` (auto-escaped, in `layout.html.eta`).
 */
export class MailTemplates {
  private readonly text: Eta;
  private readonly html: Eta;

  constructor(
    private readonly common: { site: string; base: string },
    viewsDir = join(packageRoot(), "views", "email"),
  ) {
    this.text = new Eta({ views: viewsDir, autoEscape: false, cache: true });
    this.html = new Eta({ views: viewsDir, autoEscape: true, cache: true });
  }

  render(name: string, data: Record<string, unknown>): MailBody {
    const it = { ...this.common, ...data };
    return { text: this.text.render(`${name}.txt.eta`, it), html: this.html.render(`${name}.html.eta`, it) };
  }
}
