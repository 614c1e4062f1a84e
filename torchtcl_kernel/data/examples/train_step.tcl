# A whole mixed-precision training step in one command: zero_grad, forward under bf16 autocast,
# cross entropy, scaled backward, the scaler's step and update, then the scheduler's step.
torch::manual_seed 0
set model [torch::sequential [list [torch::linear 4 16] [torch::nn_relu] [torch::linear 16 4]]]
set x [torch::randn {32 4}]
set y [torch::tensor_argmax $x 1]
set opt [torch::optimizer_sgd [torch::layer_parameters $model] 0.1 0.9]
set scaler [torch::grad_scaler_new -device cpu]
set sched [torch::lr_scheduler_step $opt 4 0.5]
for {set i 1} {$i <= 12} {incr i} {
    set loss [torch::train_step $model $x $y $opt -scaler $scaler -autocast bfloat16 \
                  -scheduler $sched]
    if {$i % 4 == 0} {
        puts "step $i: loss [format %.4f [torch::tensor_item $loss]], lr [torch::get_lr $opt]"
    }
}
