import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import type { Response } from 'express';

/** apps/dashboard/public, from the source tree (npm start) or the repository root (containers). */
function dashboardDir(): string {
  const candidates = [
    resolve(__dirname, '../../../dashboard/public'),
    resolve(process.cwd(), 'apps/dashboard/public'),
  ];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[0];
}

/**
 * The dashboard's static files (plain HTML/CSS/ES module, no build step): the page at `/`, its
 * assets at `/dashboard/<file>`. Only files present at boot are served, so no path escapes the folder.
 */
@Controller()
export class DashboardController {
  private readonly dir = dashboardDir();
  private readonly files = new Set(existsSync(this.dir) ? readdirSync(this.dir) : []);

  @Get()
  index(@Res() res: Response): void {
    this.send(res, 'index.html');
  }

  @Get('dashboard/:file')
  asset(@Param('file') file: string, @Res() res: Response): void {
    this.send(res, file);
  }

  private send(res: Response, file: string): void {
    if (!this.files.has(file)) throw new NotFoundException(`no dashboard file ${file}`);
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(join(this.dir, file));
  }
}
