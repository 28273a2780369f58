import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { preciseNow } from '@fillwire/events';
import type { Response } from 'express';
import type { PostbackReply } from './postback.schema';
import type { PostbackRequest } from './postback-raw-body';
import { PostbackService } from './postback.service';

/** `POST /zerodha/postback`: the raw body (read by the route-level parser) goes to the service. */
@Controller('zerodha')
export class PostbackController {
  constructor(private readonly postbacks: PostbackService) {}

  @Post('postback')
  @HttpCode(200)
  async receive(
    @Req() req: PostbackRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PostbackReply['body']> {
    const body: unknown = req.body;
    const reply = await this.postbacks.receive(
      Buffer.isBuffer(body) ? body : undefined,
      req.fillwireReceivedAt ?? preciseNow(),
    );
    res.status(reply.httpStatus);
    return reply.body;
  }
}
