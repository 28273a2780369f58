import { Controller, Get, Header } from '@nestjs/common';
import { openApiDocument, openApiHtml } from './openapi-document';

/** `/docs`: the API described from the same zod schemas the controllers validate with. */
@Controller('docs')
export class DocsController {
  private readonly document = openApiDocument();
  private readonly html = openApiHtml(this.document);

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(): string {
    return this.html;
  }

  @Get('openapi.json')
  json(): Record<string, unknown> {
    return this.document;
  }
}
