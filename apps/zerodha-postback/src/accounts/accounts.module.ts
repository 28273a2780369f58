import { Module } from '@nestjs/common';
import { AccountRegistry } from './account-registry.service';

@Module({ providers: [AccountRegistry], exports: [AccountRegistry] })
export class AccountsModule {}
