import { Module } from '@nestjs/common';
import { IdentityAuthenticatorService } from './identity-authenticator.service';
import { SOCKET_AUTHENTICATOR } from './socket-authenticator';

/** Who a socket or HTTP caller is: the shared identity store (users, API keys, sessions, accounts). */
@Module({
  providers: [
    IdentityAuthenticatorService,
    { provide: SOCKET_AUTHENTICATOR, useExisting: IdentityAuthenticatorService },
  ],
  exports: [SOCKET_AUTHENTICATOR, IdentityAuthenticatorService],
})
export class AuthModule {}
