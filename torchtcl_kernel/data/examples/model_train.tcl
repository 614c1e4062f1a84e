# Back in training mode, dropout draws a new mask on every forward pass.
torch::manual_seed 9
set model [torch::sequential [list [torch::linear 4 8] [torch::dropout 0.5] \
    [torch::linear 8 1]]]
torch::model_eval $model
set x [torch::randn {5 4}]
puts "handle returned: [torch::model_train $model]"
set a [torch::layer_forward $model $x]
set b [torch::layer_forward $model $x]
puts "outputs equal across passes: [torch::tensor_item [torch::tensor_sum [torch::eq $a $b]]] of 5"
