import type { CliCommand } from './cli-command';

export class CommandRegistry {
  private readonly commands = new Map<string, CliCommand>();

  register(...commands: CliCommand[]): this {
    for (const command of commands) {
      if (this.commands.has(command.name)) throw new Error(`command "${command.name}" registered twice`);
      this.commands.set(command.name, command);
    }
    return this;
  }

  get(name: string): CliCommand | undefined {
    return this.commands.get(name);
  }

  help(): string {
    const width = Math.max(...[...this.commands.keys()].map((n) => n.length), 4);
    const lines = [...this.commands.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
    return [
      'usage: npm run fillwire -- <command> [args]',
      '',
      'commands:',
      ...lines,
      '',
      'Reads REDIS_URL and FILLWIRE_PREFIX.',
    ].join('\n');
  }
}
